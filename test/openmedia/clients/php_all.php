<?php
// Calls all twelve Open Media operations through PHP's SoapClient, from the WSDL named on the command line, against
// the endpoint named after it; prints one JSON summary line (test/openmedia/clients.test.ts compares it).
$c = new SoapClient($argv[1], ['location' => $argv[2], 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE, 'features' => SOAP_SINGLE_ELEMENT_ARRAYS]);
$out = [];
$groups = $c->GetAllOpenMediaServiceGroupStatus(['tenantID' => 1])->GetAllOpenMediaServiceGroupStatusResult;
$out['groups'] = array_map(fn($g) => [$g->ServiceGroupID, $g->Open], $groups->Status->ServiceGroupStatus);
$g = $c->GetServiceGroupStatus(['serviceGroupID' => 10])->GetServiceGroupStatusResult;
$out['group'] = [$g->ServiceGroupID, $g->Open];
$out['agents'] = $c->GetOMAgentsByGroup(['serviceGroupID' => 10])->GetOMAgentsByGroupResult->AgentList->int;
$out['options'] = $c->SetOptions(['request' => ['AgentActionOptions' => 3, 'CloseTabOptions' => 2, 'SessionLinkOptions' => 1, 'TypeOfSession' => 7]])->SetOptionsResult;
$ids = [];
$out['add'] = [];
for ($n = 0; $n < 4; $n++) {
  $r = $c->AddRequest(['request' => ['IVRInfo' => ['IVRInformation' => [['Data' => "T-$n", 'Label' => 'Ticket']]], 'ServiceGroupID' => 10, 'PrivateData' => 'php']])->AddRequestResult;
  $ids[] = $r->OpenMediaID;
  $out['add'][] = [$r->RequestStatus, $r->QueuePosition];
}
$out['modify'] = $c->ModifyRequest(['request' => ['OpenMediaID' => $ids[3], 'IVRInfo' => ['IVRInformation' => [['Data' => 'urgent', 'Label' => 'Priority']]]]])->ModifyRequestResult;
$out['divert'] = $c->DivertRequest(['request' => ['OpenMediaID' => $ids[3], 'TenantID' => 1, 'ServiceGroupName' => 'Tickets']])->DivertRequestResult->RequestStatus;
$out['cancel'] = $c->CancelRequest(['request' => ['OpenMediaID' => $ids[3], 'CancelIfAllocated' => false, 'DoNotReport' => true]])->CancelRequestResult;
$st = $c->GetOpenMediaRequestStatusByID(['openMediaID' => $ids[0]])->GetOpenMediaRequestStatusByIDResult;
$out['status'] = array_map(fn($r) => $r->Status, $st->OpenMediaRequests->OpenMediaRequest);
$h = $c->GetOpenMediaRequestHistoryByID(['openMediaID' => $ids[3], 'retrieveLaterThan' => '1970-01-01T00:00:00Z'])->GetOpenMediaRequestHistoryByIDResult;
$out['history'] = array_map(fn($r) => $r->Status, $h->OpenMediaRequests->OpenMediaRequest);
$t = $c->GetOpenMediaRequestsByTime(['retrieveLaterThan' => $h->TimeStamp])->GetOpenMediaRequestsByTimeResult;
$out['byTimeAfter'] = isset($t->OpenMediaRequests->OpenMediaRequest) ? count($t->OpenMediaRequests->OpenMediaRequest) : 0;
$a = $c->GetAllOpenMediaRequestStatus([])->GetAllOpenMediaRequestStatusResult;
$out['all'] = array_map(fn($r) => $r->Status, $a->OpenMediaRequests->OpenMediaRequest);
try {
  $c->GetOpenMediaRequestStatusByID(['openMediaID' => 2000000000]);
  $out['fault'] = null;
} catch (SoapFault $f) {
  $out['fault'] = isset($f->detail) ? array_keys(get_object_vars($f->detail))[0] : $f->faultcode;
}
echo json_encode($out), "\n";
