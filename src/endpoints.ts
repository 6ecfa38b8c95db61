/**
 * Where each running interface can be reached, for the start-up log: the paths and ports of DESIGN.md's external
 * contracts. A new interface adds its row here.
 */
import type { InterfaceName, Ports } from './interfaces/types.js';

type Row = (http: string, host: string, ports: Ports) => string[];

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

const ROWS: Record<InterfaceName, Row> = {
  qmi: (http) => [`${http}/bcm/QMIInterface.asmx`],
  telservices: (http, host, p) => [`tcp://${hostPort(host, p.telservices)}`, `${http}/telservices`],
  ici: (http) => [`${http}/OII/OII.asmx`],
  openmedia: (http, host, p) => [
    `${http}/OpenMediaService`,
    `http://${hostPort(host, p.openMedia)}/OpenMediaService`,
    `${http}/OpenMediaServiceRest`,
    `http://${hostPort(host, p.openMedia)}/OpenMediaServiceRest`,
  ],
  ciscoqm: (http, host, p) => [`${http}/serverapi/api`, `udp://${hostPort(host, p.qmDesktop)}`, `udp://${hostPort(host, p.qmNetwork)}`],
};

/** The URLs of each interface in `names`, then the operator's: control API, its documentation, dashboard, metrics. */
export function endpointUrls(names: readonly InterfaceName[], http: string, host: string, ports: Ports): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of names) out[name] = ROWS[name](http, host, ports);
  out['control API'] = [`${http}/api/v1`, `${http}/api/docs`];
  out['dashboard'] = [`${http}/`];
  out['metrics'] = [`${http}/metrics`];
  return out;
}
