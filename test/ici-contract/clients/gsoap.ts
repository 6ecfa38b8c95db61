/**
 * A gSOAP client of ccgate's ICI beans: wsdl2h and soapcpp2 turn the WSDLs the gateway serves into C++ proxies, a
 * small driver written here (from scripts/ici-wsdl-model.ts, so it sets every parameter of every operation) is
 * compiled with g++ against libgsoap++, and the binary answers one request per stdin line:
 *
 *   in:  Bean[;1.2]<TAB>operation<TAB>name=value<TAB>…   (SOAP 1.1 unless `;1.2`; values percent-encoded; `users.Item=x`, `channels.item=x` add an
 *        array item; `addresses.item.address=x` starts an array element and `addresses.item.channel=y` fills it)
 *   out: OK<TAB><the response element as gSOAP parsed and re-serialised it> | FAULT<TAB><gSOAP's fault text>
 *
 * The build (about 15 s of CPU) is cached under node_modules/.cache by a hash of the WSDLs (addresses aside) and of
 * this file, so only a changed contract rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BEANS, TYPES, type Member } from '../../../scripts/ici-wsdl-model.js';

/** gSOAP prefixes for the bean namespaces (wsdl2h typemap), so the generated names are predictable. */
export const GSOAP_PREFIX: Record<string, string> = { System: 'isys', User: 'iusr', Item: 'iitm', Container: 'icon', PhoneLine: 'ilin', PhoneCall: 'ical' };

const cppName = (type: string): string => type.replace(/\./g, '_x002e');

function setter(prefix: string, m: Member): string[] {
  const [rawName, type] = m;
  const [name, refNs] = rawName.split('@') as [string, string | undefined];
  // A `ref` to another namespace's element is a member named with that namespace's prefix (iusr__userId).
  const member = refNs ? `${GSOAP_PREFIX[/urn:Ici(\w+)Interface/.exec(refNs)?.[1] ?? '']}__${name}` : name;
  if (type === 'string') return [`if (k == "${name}") { req.${member} = new std::string(v); continue; }`];
  if (type === 'int') return [`if (k == "${name}") { req.${name} = std::stoi(v); continue; }`];
  if (type === 'boolean') return [`if (k == "${name}") { req.${name} = (v == "true" || v == "1"); continue; }`];
  const members = TYPES[type] ?? [];
  const [itemName, itemType] = members[0] ?? ['item', 'string'];
  const ensure = `if (!req.${name}) req.${name} = soap_new_${prefix}__${cppName(type)}(p.soap);`;
  if (itemType === 'string') return [`if (k == "${name}.${itemName}") { ${ensure} req.${name}->${itemName}.push_back(v); continue; }`];
  // An array of a complex type: its first member starts a new element, the others fill the last one.
  const fields = TYPES[itemType] ?? [];
  return fields
    .filter(([, t]) => t === 'string')
    .map(([f], i) =>
      i === 0
        ? `if (k == "${name}.${itemName}.${f}") { ${ensure} req.${name}->${itemName}.push_back(soap_new_${prefix}__${cppName(itemType)}(p.soap)); req.${name}->${itemName}.back()->${f} = new std::string(v); continue; }`
        : `if (k == "${name}.${itemName}.${f}" && req.${name} && !req.${name}->${itemName}.empty()) { req.${name}->${itemName}.back()->${f} = new std::string(v); continue; }`,
    );
}

/** The C++ driver for `beans`. */
export function driverSource(beans: readonly string[]): string {
  const out: string[] = [
    '#include <iostream>',
    '#include <sstream>',
    '#include <string>',
    '#include <vector>',
    '#include "soapH.h"',
    ...beans.map((b) => `#include "soapIci${b}ServiceSoapProxy.h"`),
    `#include "Ici${beans[0]}ServiceSoap.nsmap"`,
    'static std::string decode(const std::string &s) {',
    '  std::string o; for (size_t i = 0; i < s.size(); i++) { if (s[i] == \'%\' && i + 2 < s.size()) { o += (char)std::stoi(s.substr(i + 1, 2), nullptr, 16); i += 2; } else o += s[i]; } return o;',
    '}',
    'static std::string oneLine(std::string s) { for (auto &c : s) if (c == \'\\n\' || c == \'\\r\') c = \' \'; return s; }',
    'int main(int argc, char **argv) {',
    '  std::string url[64]; const char *names[] = {' + beans.map((b) => `"${b}"`).join(', ') + '};',
    '  for (int i = 1; i < argc; i++) { std::string a = argv[i]; size_t eq = a.find(\'=\'); for (int j = 0; j < ' + beans.length + '; j++) if (a.substr(0, eq) == names[j]) url[j] = a.substr(eq + 1); }',
    '  std::string line;',
    '  while (std::getline(std::cin, line)) {',
    '    std::vector<std::string> f; std::stringstream ss(line); std::string t; while (std::getline(ss, t, \'\\t\')) f.push_back(t);',
    '    if (f.size() < 2) { std::cout << "FAULT\\tbad request line" << std::endl; continue; }',
    '    std::vector<std::pair<std::string, std::string>> kv;',
    '    for (size_t i = 2; i < f.size(); i++) { size_t eq = f[i].find(\'=\'); kv.push_back({f[i].substr(0, eq), decode(f[i].substr(eq + 1))}); }',
    '    std::string bean = f[0]; const std::string &op = f[1]; int version = 1;',
    '    if (bean.size() > 4 && bean.substr(bean.size() - 4) == ";1.2") { bean = bean.substr(0, bean.size() - 4); version = 2; }',
    '    bool done = false;',
  ];
  beans.forEach((b, bi) => {
    const prefix = GSOAP_PREFIX[b]!;
    const bean = BEANS.find((x) => x.name === b)!;
    out.push(`    if (bean == "${b}") {`, `      Ici${b}ServiceSoapProxy p(url[${bi}].c_str());`, '      soap_set_version(p.soap, version);');
    for (const o of bean.operations) {
      out.push(`      if (op == "${o.name}") {`, `        _${prefix}__${o.name} req; _${prefix}__${o.name}Response res;`);
      out.push('        for (auto &e : kv) { const std::string &k = e.first, &v = e.second;');
      for (const m of o.params) for (const line of setter(prefix, m)) out.push(`          ${line}`);
      out.push('        }');
      out.push(`        if (p.${o.name}(&req, res) == SOAP_OK) {`);
      out.push('          std::ostringstream os; p.soap->os = &os;');
      out.push(`          soap_write__${prefix}__${o.name}Response(p.soap, &res); p.soap->os = NULL;`);
      out.push('          std::cout << "OK\\t" << oneLine(os.str()) << std::endl;');
      out.push('        } else { char buf[2048]; p.soap_sprint_fault(buf, sizeof buf); std::cout << "FAULT\\t" << oneLine(buf) << std::endl; }');
      out.push('        p.destroy(); done = true;', '      }');
    }
    out.push('    }');
  });
  out.push('    if (!done) std::cout << "FAULT\\tunknown operation " << bean << " " << op << std::endl;', '  }', '  return 0;', '}', '');
  return out.join('\n');
}

/**
 * Builds (or finds in the cache) the gSOAP client for `wsdls` (bean name → WSDL text, as served). Returns the
 * binary's path. Throws with the tool's output when a step fails.
 */
export function buildGsoapClient(wsdls: Record<string, string>): string {
  const beans = Object.keys(wsdls);
  const self = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const normalised = beans.map((b) => wsdls[b]!.replace(/location="[^"]*"/g, 'location=""')).join('\n');
  const hash = createHash('sha256').update(self).update(normalised).digest('hex').slice(0, 16);
  const root = fileURLToPath(new URL('../../../node_modules/.cache/ccgate-ici-gsoap/', import.meta.url));
  const dir = join(root, hash);
  const binary = join(dir, 'ici-client');
  if (existsSync(binary)) return binary;
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const files = beans.map((b) => {
    const file = join(work, `Ici${b}Service.wsdl`);
    writeFileSync(file, wsdls[b]!);
    return file;
  });
  writeFileSync(join(work, 'typemap.dat'), beans.map((b) => `${GSOAP_PREFIX[b]} = "urn:Ici${b}Interface"\n`).join(''));
  writeFileSync(join(work, 'driver.cpp'), driverSource(beans));
  const run = (cmd: string, args: string[]): void => {
    try {
      execFileSync(cmd, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`${cmd} failed:\n${(e.stdout ?? '').slice(-2000)}\n${(e.stderr ?? '').slice(-4000)}`);
    }
  };
  run('wsdl2h', ['-t', 'typemap.dat', '-o', 'ici.h', ...files]);
  run('soapcpp2', ['-C', '-j', '-x', '-I/usr/share/gsoap/import', 'ici.h']);
  const cxx = process.env['CXX']?.split(' ') ?? ['g++'];
  const sources = ['driver.cpp', 'soapC.cpp', ...beans.map((b) => `soapIci${b}ServiceSoapProxy.cpp`)];
  run(cxx[0]!, [...cxx.slice(1), '-O0', '-w', '-o', 'ici-client', ...sources, '-lgsoap++']);
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return binary;
}
