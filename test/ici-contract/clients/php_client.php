<?php
// A PHP SoapClient of ccgate's ICI beans, driven line by line (test/ici-contract/clients.test.ts).
// Arguments: one `Bean=WSDL[|12[|Address]]` per bean (`12`: the WSDL's SOAP 1.2 binding; Address: another endpoint). Each stdin line is a JSON
// object {"bean", "op", "params"}; each stdout line is {"ok": result} or {"fault": text}. One process per scenario.
$clients = [];
foreach (array_slice($argv, 1) as $arg) {
  [$bean, $url] = explode('=', $arg, 2);
  $parts = explode('|', $url);
  $options = ['soap_version' => ($parts[1] ?? '') === '12' ? SOAP_1_2 : SOAP_1_1, 'cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true];
  if (($parts[2] ?? '') !== '') $options['location'] = $parts[2];
  $clients[$bean] = new SoapClient($parts[0], $options);
}
while (($line = fgets(STDIN)) !== false) {
  $req = json_decode($line, true);
  try {
    $result = $clients[$req['bean']]->__soapCall($req['op'], [$req['params'] ?? new stdClass()]);
    $out = ['ok' => $result];
  } catch (SoapFault $f) {
    $out = ['fault' => $f->getMessage()];
  }
  echo json_encode($out), "\n";
  fflush(STDOUT);
}
