/**
 * Dates as Open Media clients write and read them. SOAP: `xsd:dateTime` (XML Schema Part 2 §3.2.7), written as WCF's
 * DataContractSerializer writes a UTC DateTime (`2024-05-01T10:00:00.123Z`, trailing zeros of the fraction dropped).
 * The REST twin's query strings also take RFC 1123 (`Wed, 31 Dec 1969 23:58:20 GMT`; its zone per RFC 1123 §5.2.14 and
 * RFC 5322 §3.3 also as a numeric offset, `+0000` as `date -R` prints it, or `UT`/`UTC`/`Z`; seconds optional) and the
 * US locale form .NET and JavaScript print (`1/1/1970, 12:00:00 AM`; the date alone is midnight, as .NET's
 * DateTime.Parse reads `1/1/2000`), and WCF's JSON form `/Date(ms)/` (`/Date(ms+0100)/`: the offset only says
 * how to show it, the milliseconds are UTC). A time without a zone is UTC: the seed's times are all UTC/GMT. Every
 * date must be one .NET's DateTime can hold (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z), as WCF deserializes
 * into one: anything else is not a date.
 */

const XSD_DATETIME = /^\s*(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?\s*$/;
const RFC1123 = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC?|Z|[+-]?\d{2}:?\d{2})\s*$/i;
const US_LOCALE = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$/;
const MS_DATE = /^\s*\/Date\((-?\d{1,16})(?:[+-]\d{4})?\)\/\s*$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** DateTime.MinValue and DateTime.MaxValue (to the millisecond) as epoch ms. */
const DATETIME_MIN = -62_135_596_800_000;
const DATETIME_MAX = 253_402_300_799_999;

/** `ms` when .NET's DateTime can hold it, else undefined. */
export function inDateTimeRange(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isInteger(ms) && ms >= DATETIME_MIN && ms <= DATETIME_MAX ? ms : undefined;
}

/** Epoch ms of a UTC calendar time; undefined when a field is out of range (Date.UTC would roll it over). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 59) return undefined;
  if (h === 24 && (mi !== 0 || s !== 0 || ms !== 0)) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999 (DateTime.MinValue is year 1).
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCDate() !== d) return undefined;
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

/** `xsd:dateTime` → epoch ms (fractions below a millisecond are dropped); undefined when it is not one. */
export function parseXsdDateTime(text: string): number | undefined {
  const m = XSD_DATETIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const t = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (t === undefined) return undefined;
  if (!zone || zone === 'Z') return inDateTimeRange(t);
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  return inDateTimeRange(t - sign * offset);
}

/** A date in a REST query string or JSON body: ISO 8601 (`xsd:dateTime`), RFC 1123, the US locale form or `/Date(ms)/`. */
export function parseQueryDate(text: string): number | undefined {
  const wcf = MS_DATE.exec(text);
  if (wcf) return inDateTimeRange(Number(wcf[1]));
  return inDateTimeRange(parseTextDate(text));
}

function parseTextDate(text: string): number | undefined {
  const iso = parseXsdDateTime(text) ?? parseXsdDateTime(/^\s*\d{4}-\d{2}-\d{2}\s*$/.test(text) ? `${text.trim()}T00:00:00` : '');
  if (iso !== undefined) return iso;
  const r = RFC1123.exec(text);
  if (r) {
    const month = MONTHS.indexOf((r[2] ?? '').toLowerCase());
    const t = month < 0 ? undefined : utc(Number(r[3]), month + 1, Number(r[1]), Number(r[4]), Number(r[5]), Number(r[6] ?? 0), 0);
    const offset = zoneOffsetMs(r[7] ?? '');
    return t === undefined || offset === undefined ? undefined : t - offset;
  }
  const u = US_LOCALE.exec(text);
  if (u) {
    let hour = Number(u[4] ?? 0);
    const half = u[7]?.toUpperCase();
    if (half !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (half === 'PM' ? 12 : 0);
    }
    return utc(Number(u[3]), Number(u[1]), Number(u[2]), hour, Number(u[5] ?? 0), Number(u[6] ?? 0), 0);
  }
  return undefined;
}

/**
 * An RFC 1123 zone's offset from UTC in ms: 0 for GMT, UT, UTC, Z; `+hhmm` / `+hh:mm` east of UTC, at most 14 hours as
 * .NET's offsets. An offset without its sign is `+`: a query string's unencoded `+` arrives as a space (HTML form
 * encoding). Undefined for an offset out of range.
 */
function zoneOffsetMs(zone: string): number | undefined {
  const m = /^([+-]?)(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const [h, mi] = [Number(m[2]), Number(m[3])];
  if (mi > 59 || h * 60 + mi > 14 * 60) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi) * 60_000;
}

/** Epoch ms → `xsd:dateTime` in UTC as WCF writes a UTC DateTime: `…T10:00:00.123Z`, `…T10:00:00.5Z`, `…T10:00:00Z`. */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, f: string) => {
    const trimmed = f.replace(/0+$/, '');
    return trimmed === '' ? 'Z' : `.${trimmed}Z`;
  });
}
