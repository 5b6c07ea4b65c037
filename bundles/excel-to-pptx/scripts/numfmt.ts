/** Spreadsheet number formats: which ones are dates, and serial day numbers to ISO dates. */

// Built-in format ids that are dates or times (ECMA-376 Part 1, 18.8.30).
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

export function isDateFormat(id: number, code: string | undefined): boolean {
  if (BUILTIN_DATE_FORMATS.has(id)) return true;
  if (code === undefined) return false;
  // Drop quoted text, escaped characters and [colour]/[$-locale] sections, then look for date/time tokens.
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(stripped) && !/^[#0.,%\s]*$/.test(stripped);
}

const MS_PER_DAY = 86_400_000;

/** Excel serial → "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" when there is a time part. */
export function serialToIsoDate(serial: number, date1904: boolean): string {
  // The 1900 system counts a non-existent 1900-02-29, so serials from 61 on are one day ahead.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, serial < 61 ? 31 : 30);
  const time = Math.round((epoch + serial * MS_PER_DAY) / 1000) * 1000;
  const iso = new Date(time).toISOString();
  return serial % 1 === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}
