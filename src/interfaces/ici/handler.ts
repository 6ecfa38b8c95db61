/** What a bean operation's handler gets and gives: the parsed request in, the whole answer envelope out. */
import type { SoapVersion } from '../../soap/index.js';
import type { XmlElement } from '../../xml/index.js';
import type { Oii } from './oii.js';
import type { BeanOperation } from './protocol.js';
import { bean } from './protocol.js';
import { response, type NIL } from './xml-out.js';

export interface BeanRequest {
  op: BeanOperation;
  /** The request element (the Body's first child). */
  element: XmlElement;
  version: SoapVersion;
}

/** Answers a request (an envelope) or throws IciError / CoreError for the fault hooks. */
export type BeanHandler = (oii: Oii, req: BeanRequest) => string | Promise<string>;

/** `<opResponse xmlns="urn:…Interface"><response>inner</response>after</opResponse>`; null: `<response />`, NIL: nil. */
export function answer(req: BeanRequest, inner: string | null | typeof NIL, after = ''): string {
  return response(req.version, bean(req.op.bean).ns, req.op.name, inner, after);
}
