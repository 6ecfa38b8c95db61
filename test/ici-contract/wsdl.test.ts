/**
 * wsdl/ici/*.wsdl, on their own: generated from scripts/ici-wsdl-model.ts (a hand edit fails here), well-formed,
 * schemas that xmllint compiles, the ASP.NET shape (a SOAP 1.1 and a SOAP 1.2 port per bean, document/literal, the
 * bean's SOAPAction on every operation, language and user headers), and loadable by the standard stacks: python zeep,
 * PHP SoapClient and the npm `soap` package (gSOAP is test/ici-contract/clients.test.ts's). The golden answers and
 * events ccgate wrote (test/golden/ici) validate against the schema of their bean.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as soap from 'soap';
import { describe, expect, it } from 'vitest';
import { BEANS, soapActionOf } from '../../scripts/ici-wsdl-model.js';
import { renderBean, wsdlFile } from '../../scripts/ici-wsdl.js';
import { needs, TOOLS } from './support.js';
import { bodyDocument, schemaFiles, xsdComplaints } from './xsd.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const files = BEANS.map((b) => ({ bean: b, path: join(ROOT, wsdlFile(b)), text: readFileSync(join(ROOT, wsdlFile(b)), 'utf8') }));
const opsOf = (name: string): string[] => BEANS.find((b) => b.name === name)!.operations.map((o) => o.name);

describe('ICI WSDLs (wsdl/ici)', () => {
  it('are exactly what scripts/ici-wsdl.ts writes, one per bean and one for IciEvent', () => {
    expect(readdirSync(join(ROOT, 'wsdl/ici')).sort()).toEqual(files.map((f) => f.path.split('/').pop()).sort());
    expect(files).toHaveLength(13);
    for (const f of files) expect(f.text, `${f.path} was edited by hand: run npx tsx scripts/ici-wsdl.ts`).toBe(renderBean(f.bean));
  });

  it('are well-formed, and their schemas compile (xmllint)', (test) => {
    needs(test, 'xmllint');
    execFileSync('xmllint', ['--noout', ...files.map((f) => f.path)]);
    for (const f of files) {
      // A document no schema declares: the only complaint must be about it, not about the schema.
      const complaints = xsdComplaints(schemaFiles(f.text), ['<nothing/>']);
      expect(complaints, f.path).toMatch(/No matching global declaration|no declaration/i);
      expect(complaints, f.path).not.toMatch(/parser error|failed to compile/i);
    }
  });

  it('have the ASP.NET .asmx shape: SOAP 1.1 and 1.2 ports, document/literal, the bean SOAPAction on every operation', () => {
    for (const { bean, text } of files) {
      const service = `Ici${bean.name}Service`;
      expect(text).toContain(`<wsdl:port name="${service}Soap" binding="tns:${service}Soap">`);
      expect(text).toContain(`<wsdl:port name="${service}Soap12" binding="tns:${service}Soap12">`);
      expect(text).not.toMatch(/style="rpc"|use="encoded"/);
      const actions = [...text.matchAll(/<(soap|soap12):operation soapAction="([^"]*)" style="document" \/>/g)];
      expect(actions, service).toHaveLength(bean.operations.length * 2);
      for (const [, , a] of actions) expect(a).toBe(soapActionOf(bean));
      expect(text.match(/:header message="tns:\w+language" part="language" use="literal" \/>/g)).toHaveLength(bean.operations.length * 2);
      expect(text).toContain(`targetNamespace="urn:Ici${bean.name}Interface"`);
    }
    const system = files.find((f) => f.bean.name === 'System')!.text;
    // What the real IciSystem WSDL settles: createCallBack, the queue filters, nil-able optional parameters.
    expect(system).toContain('<s1:element name="createCallBack">');
    expect(system).toMatch(/name="queueGuid" type="s1:string"/);
    expect(system).toContain('<s1:element minOccurs="1" maxOccurs="1" name="callTime" nillable="true" type="s1:string" />');
    expect(system).toContain('ref="s2:userId"');
  });

  it('load in python zeep, PHP SoapClient and the npm soap package with every operation on both ports', async (test) => {
    needs(test, 'zeep', 'php');
    const zeep = JSON.parse(
      execFileSync(TOOLS.python, ['-c', ZEEP_LOAD, ...files.map((f) => f.path)], { encoding: 'utf8' }),
    ) as Record<string, Record<string, string[]>>;
    const php = JSON.parse(execFileSync('php', ['-r', PHP_LOAD, ...files.map((f) => f.path)], { encoding: 'utf8' })) as Record<string, string[]>;
    for (const { bean, path } of files) {
      const service = `Ici${bean.name}Service`;
      const ops = opsOf(bean.name).sort();
      expect(zeep[path], `zeep ${service}`).toEqual({ [`${service}Soap`]: ops, [`${service}Soap12`]: ops });
      // PHP lists each operation once per binding.
      expect([...new Set(php[path])].sort(), `PHP ${service}`).toEqual(ops);
      expect(php[path], `PHP ${service}`).toHaveLength(ops.length * 2);
      const client = await soap.createClientAsync(path);
      const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.keys(described[service] ?? {}), `npm soap ${service}`).toEqual([`${service}Soap`, `${service}Soap12`]);
      expect(Object.keys(described[service]?.[`${service}Soap12`] ?? {}).sort()).toEqual(ops);
    }
  });

  it("validate ccgate's golden answers and events against the bean's schema", (test) => {
    needs(test, 'xmllint');
    const golden = fileURLToPath(new URL('../golden/ici/', import.meta.url));
    const schemaOf = new Map(files.map((f) => [f.bean.name, schemaFiles(f.text)]));
    const docs = new Map<string, string[]>();
    const add = (bean: string, xml: string): void => void docs.set(bean, [...(docs.get(bean) ?? []), bodyDocument(xml)]);
    for (const name of readdirSync(golden).filter((d) => d.includes('__accepted'))) {
      const dir = join(golden, name);
      if (!existsSync(join(dir, 'response.xml'))) continue;
      const answer = readFileSync(join(dir, 'response.xml'), 'utf8');
      add(/xmlns(?::\w+)?="urn:Ici(\w+)Interface"/.exec(answer)?.[1] ?? '?', answer);
      for (const ev of readdirSync(dir).filter((f) => /^event-\d+\.xml$/.test(f))) add('Event', readFileSync(join(dir, ev), 'utf8'));
    }
    expect([...docs.values()].flat().length, 'golden answers recorded (UPDATE_GOLDEN=1 npx vitest run test/ici-contract/golden.test.ts)').toBeGreaterThanOrEqual(30);
    for (const [bean, list] of docs) expect(xsdComplaints(schemaOf.get(bean)!, list), `Ici${bean}`).toBe('');
  });
});

const ZEEP_LOAD = `
import json, sys, zeep
out = {}
for path in sys.argv[1:]:
    client = zeep.Client(path)
    out[path] = {name: sorted(port.binding._operations) for svc in client.wsdl.services.values() for name, port in svc.ports.items()}
print(json.dumps(out))
`;
const PHP_LOAD = `
$out = [];
foreach (array_slice($argv, 1) as $path) {
  $c = new SoapClient($path, ['cache_wsdl' => WSDL_CACHE_NONE]);
  $out[$path] = array_map(fn($f) => preg_replace('/^\\S+ (\\w+)\\(.*$/', '$1', $f), $c->__getFunctions());
}
echo json_encode($out);
`;
