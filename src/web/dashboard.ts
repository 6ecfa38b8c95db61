/**
 * GET /: a live view of the simulated center for the person running it. A static page that polls
 * /api/v1/state and the latest recordings (/api/v1/recordings) every second; no framework, no build step, no inline data from requests (nothing to inject).
 */
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ccgate</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#f6f7f9}
 h1{font-size:1.3rem;margin:0 0 1rem} h2{font-size:1rem;margin:1.2rem 0 .4rem}
 table{border-collapse:collapse;background:#fff;min-width:28rem} td,th{border:1px solid #d5d9de;padding:.25rem .5rem;text-align:left}
 th{background:#eceff3} .s-ready{color:#0a7d32}.s-busy{color:#b35900}.s-notReady{color:#a11}.s-loggedOff{color:#777}.s-workingAfterCall{color:#5a3fb3}
 #err{color:#a11}
</style></head><body>
<h1>ccgate <small id="faults"></small></h1><div id="err"></div>
<h2>Agents</h2><table id="agents"><thead><tr><th>User</th><th>Extension</th><th>Name</th><th>State</th><th>Queues</th></tr></thead><tbody></tbody></table>
<h2>Queues</h2><table id="queues"><thead><tr><th>Id</th><th>Name</th><th>Channel</th><th>Waiting</th><th>Open</th></tr></thead><tbody></tbody></table>
<h2>Calls</h2><table id="calls"><thead><tr><th>Call</th><th>Parties</th><th>Recording</th><th>Monitors</th></tr></thead><tbody></tbody></table>
<h2>Work items</h2><table id="items"><thead><tr><th>Item</th><th>Channel</th><th>Queue</th><th>State</th><th>Agent</th></tr></thead><tbody></tbody></table>
<h2>Recordings <small>(latest 20 of the archive)</small></h2><table id="recs"><thead><tr><th>Id</th><th>Source</th><th>Call</th><th>Agent</th><th>ANI</th><th>DNIS</th><th>Start</th><th>State</th><th>Retention</th><th>Audio</th><th>Metadata</th></tr></thead><tbody></tbody></table>
<h2>Subscribers</h2><table id="subs"><thead><tr><th>Interface</th><th>Target</th><th>State</th><th>Queued</th><th>Delivered</th><th>Failed</th><th>Last error</th></tr></thead><tbody></tbody></table>
<script>
function cell(text, cls){const td=document.createElement('td');td.textContent=text==null?'':String(text);if(cls)td.className=cls;return td}
function fill(id, rows){const tb=document.querySelector('#'+id+' tbody');tb.replaceChildren(...rows.map(r=>{const tr=document.createElement('tr');tr.append(...r);return tr}))}
async function tick(){
 try{
  const s=await (await fetch('/api/v1/state')).json();
  document.getElementById('err').textContent='';
  document.getElementById('faults').textContent=s.faults.length?('faults: '+s.faults.join(', ')):'';
  fill('agents',s.agents.map(a=>[cell(a.userId),cell(a.extension),cell(a.name),cell(a.state+(a.workItems?' ('+a.workItems+(a.workItems>1?' items)':' item)'):''),'s-'+a.state),cell(a.queues.join(', '))]));
  fill('queues',s.queues.map(q=>[cell(q.id),cell(q.name),cell(q.channel),cell(q.waiting),cell(q.open?'yes':'no')]));
  fill('calls',s.calls.map(c=>[cell(c.callId.slice(0,8)),cell(c.parties.map(p=>p.number+' '+p.state).join(' · ')),cell(c.recordings.map(r=>r.source+' '+r.state).join(', ')||'off'),cell(c.monitoring.length)]));
  fill('items',s.items.map(i=>[cell(i.itemId.slice(0,8)),cell(i.channel),cell(i.queueId),cell(i.state),cell(i.userId)]));
  const r=await (await fetch('/api/v1/recordings?order=desc&limit=20')).json();
  fill('recs',r.recordings.map(x=>[cell(x.id),cell(x.source),cell(x.callId.slice(0,8)),cell(x.agent?x.agent.userId:''),cell(x.ani),cell(x.dnis),cell(new Date(x.startTime).toISOString()),cell(x.state),cell(x.retention),cell(x.audio?Math.round(x.audio.durationMs/100)/10+' s':''),cell(x.metadata.map(m=>m.key+'='+m.value).join(' '))]));
  fill('subs',s.subscriptions.map(x=>[cell(x.interface),cell(x.target),cell(x.state),cell(x.queued),cell(x.delivered),cell(x.failed),cell(x.lastError)]));
 }catch(e){document.getElementById('err').textContent='state unavailable: '+e}
}
tick();setInterval(tick,1000);
</script></body></html>`;

export function registerDashboard(app: FastifyInstance): void {
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'").send(PAGE));
}
