// How numbers and durations are shown to people, shared by reports and training progress lines.

const SIGNIFICANT_DIGITS = 4;

/**
 * Integers in full; other numbers to 4 significant digits, trailing zeros kept so that a column
 * of values lines up ("0.5000", "110.0", "1235", "0.00001235", "1.500e-7").
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1) return value.toPrecision(SIGNIFICANT_DIGITS);
  const integerDigits = Math.floor(Math.log10(Math.abs(value))) + 1;
  return value.toFixed(Math.max(0, SIGNIFICANT_DIGITS - integerDigits)); // toPrecision would give "6.000e+4"
}

/** Whole seconds as m:ss, or h:mm:ss from an hour up ("0:07", "12:34", "1:02:03"). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const total = Math.round(seconds);
  const [hours, minutes, secs] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const twoDigits = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${twoDigits(minutes)}:${twoDigits(secs)}` : `${minutes}:${twoDigits(secs)}`;
}
