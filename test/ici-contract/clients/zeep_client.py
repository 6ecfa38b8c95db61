"""A python zeep client of ccgate's ICI beans, driven line by line (test/ici-contract/clients.test.ts).

Arguments: one `Bean=WSDL[|Port[|Address]]` per bean (the WSDL the gateway serves at ?WSDL, or a file; `Port` binds
that port of it, e.g. the SOAP 1.2 one, at `Address` or the WSDL's own address). Each line on stdin is a JSON
object {"bean", "op", "params"}; each answer on stdout is one JSON line: {"ok": result} (zeep's object as plain
JSON) or {"fault": text}. One process serves the whole scenario.
"""
import json
import sys

import zeep
import zeep.helpers
from zeep.exceptions import Fault

services = {}
for arg in sys.argv[1:]:
    bean, url = arg.split('=', 1)
    url, port, address = (url.split('|') + [None, None])[:3]
    client = zeep.Client(url)
    if port:
        svc = next(iter(client.wsdl.services.values()))
        p = svc.ports[port]
        services[bean] = client.create_service(p.binding.name, address or p.binding_options['address'])
    else:
        services[bean] = client.service

for line in sys.stdin:
    req = json.loads(line)
    try:
        result = getattr(services[req['bean']], req['op'])(**req.get('params', {}))
        out = {'ok': zeep.helpers.serialize_object(result, dict)}
    except Fault as f:
        out = {'fault': f.message or 'fault'}
    except Exception as e:  # a client-side failure (parsing, validation) is an answer too: the test reports it
        out = {'fault': 'zeep: %s: %s' % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out, default=str) + '\n')
    sys.stdout.flush()
