"""Calls all twelve Open Media operations through python zeep, from the WSDL named on the command line, against the
endpoint named after it; prints one JSON summary line (test/openmedia/clients.test.ts compares it)."""
import json
import sys

from zeep import Client
from zeep.exceptions import Fault

wsdl, endpoint = sys.argv[1], sys.argv[2]
client = Client(wsdl)
svc = client.create_service('{http://tempuri.org/}BasicHttpBinding_IOpenMediaService', endpoint)


def fault_name(call):
    try:
        call()
    except Fault as f:
        return f.detail[0].tag.split('}')[-1] if f.detail is not None and len(f.detail) else f.code
    return None


out = {}
groups = svc.GetAllOpenMediaServiceGroupStatus(tenantID=1)
out['groups'] = [[g.ServiceGroupID, g.Open] for g in groups.ServiceGroupStatus]  # zeep unwraps the one-member result
g = svc.GetServiceGroupStatus(serviceGroupID=10)
out['group'] = [g.ServiceGroupID, g.Open]
out['agents'] = list(svc.GetOMAgentsByGroup(serviceGroupID=10).AgentList.int)
out['options'] = svc.SetOptions(request={'AgentActionOptions': 3, 'CloseTabOptions': 2, 'SessionLinkOptions': 1, 'TypeOfSession': 7})
ids = []
statuses = []
for n in range(4):
    r = svc.AddRequest(request={'IVRInfo': {'IVRInformation': [{'Data': 'T-%d' % n, 'Label': 'Ticket'}]}, 'ServiceGroupID': 10, 'PrivateData': 'zeep'})
    ids.append(r.OpenMediaID)
    statuses.append([r.RequestStatus, r.QueuePosition])
out['add'] = statuses
out['modify'] = svc.ModifyRequest(request={'OpenMediaID': ids[3], 'IVRInfo': {'IVRInformation': [{'Data': 'urgent', 'Label': 'Priority'}]}})
out['divert'] = svc.DivertRequest(request={'OpenMediaID': ids[3], 'TenantID': 1, 'ServiceGroupName': 'Tickets'}).RequestStatus
out['cancel'] = svc.CancelRequest(request={'OpenMediaID': ids[3], 'CancelIfAllocated': False, 'DoNotReport': True})
st = svc.GetOpenMediaRequestStatusByID(openMediaID=ids[0])
out['status'] = [r.Status for r in st.OpenMediaRequests.OpenMediaRequest]
h = svc.GetOpenMediaRequestHistoryByID(openMediaID=ids[3], retrieveLaterThan='1970-01-01T00:00:00Z')
out['history'] = [r.Status for r in h.OpenMediaRequests.OpenMediaRequest]
t = svc.GetOpenMediaRequestsByTime(retrieveLaterThan=h.TimeStamp)
out['byTimeAfter'] = len(t.OpenMediaRequests.OpenMediaRequest) if t.OpenMediaRequests else 0
a = svc.GetAllOpenMediaRequestStatus()
out['all'] = [r.Status for r in a.OpenMediaRequests.OpenMediaRequest]
out['fault'] = fault_name(lambda: svc.GetOpenMediaRequestStatusByID(openMediaID=2000000000))
print(json.dumps(out))
