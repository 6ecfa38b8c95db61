"""Issue 11 check: python zeep, generated from the gateway's ?wsdl (SOAP 1.2 binding), WS-Security UsernameToken with
PasswordDigest, calls every operation of the QM Server API. Usage: client.py <base url> <user> <password> <agentId>.
Prints one JSON object with what each operation answered; the vitest side checks it."""
import json
import sys
import urllib.request

from zeep import Client
from zeep.helpers import serialize_object
from zeep.wsse.username import UsernameToken

base, user, password, agent = sys.argv[1:5]
client = Client(f"{base}/serverapi/api?wsdl", wsse=UsernameToken(user, password, use_digest=True))
service = client.create_service("{http://www.calabrio.com/qm/serverapi}ServerApiSoap12Binding", f"{base}/serverapi/api")
out = {"soapVersion": client.wsdl.bindings["{http://www.calabrio.com/qm/serverapi}ServerApiSoap12Binding"].__class__.__name__}


def ccr_list(answer):
    """searchResponse has two parts (ccr*, truncationBoundaryId?): zeep gives a dict, or the list when one is empty."""
    found = serialize_object(answer)
    return (found.get("ccr") if isinstance(found, dict) else found) or []


ccrs = ccr_list(service.search(agentId=agent))
out["search"] = [{"id": c["id"], "agentId": c["agentId"], "hasAudio": c["hasAudio"]} for c in ccrs]
ccr = ccrs[0]["id"]

export_id = service.exportRecording(ccrId=ccr, mediatype="WAV")
out["exportId"] = export_id
while True:
    progress = serialize_object(service.exportProgress(id=[export_id]))
    if progress[0]["finished"] or progress[0]["error"]:
        break
out["progress"] = progress[0]
with urllib.request.urlopen(f"{base}/serverapi/retrieve?id={export_id}") as r:
    out["download"] = {"status": r.status, "riff": r.read(4).decode("latin-1")}

edited = serialize_object(service.editMetadata(ccrId=ccr, metadata=[{"key": "custID", "data": "1234"}, {"key": "nope", "data": "x"}, {"key": "orderDate", "data": "2026-13-40"}]))
out["editMetadata"] = {m["key"]: m["state"] for m in edited}
out["searchByMetadata"] = [c["id"] for c in ccr_list(service.search(metadata=[{"key": "custID", "data": "1234"}]))]
out["deleteRecording"] = [service.deleteRecording(ccrId=ccr), service.deleteRecording(ccrId=ccr)]
print(json.dumps(out, default=str))
