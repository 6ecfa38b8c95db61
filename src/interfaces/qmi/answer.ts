/**
 * How a QM tool's answer to an event is judged (QMI 4.2.x.3): `Response/Success` 1 is delivered; a SOAP Fault or
 * `Success` 0 is a failure the notifier retries. The seed spells the element `Successs` in places (INVENTORY 1.7.1),
 * so both spellings count. A 2xx answer without either element is accepted (tolerant reader).
 */
import type { AnswerCheck } from '../../notify/index.js';

const FAULT = /<(?:[A-Za-z_][\w.-]*:)?Fault[\s/>]/;
const SUCCESS = /<(?:[A-Za-z_][\w.-]*:)?Successs?(?:\s[^>]*)?>\s*([^<\s]*)\s*</i;

export const checkAnswer: AnswerCheck = (answer) => {
  if (FAULT.test(answer.body)) return 'SOAP fault';
  const m = SUCCESS.exec(answer.body);
  if (m && m[1] !== '1') return `Success=${(m[1] ?? '').slice(0, 16)}`;
  return true;
};
