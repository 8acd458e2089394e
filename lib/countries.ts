/**
 * ISO 3166-1 numeric country codes, from the maintained npm package `i18n-iso-countries` (its list of the 249
 * officially assigned codes, with English names): the identity registry stores a country as this number, and a code
 * the standard does not assign (e.g. 999) is refused before anything is sent.
 */
import countries from "i18n-iso-countries";
// eslint-disable-next-line @typescript-eslint/no-require-imports
countries.registerLocale(require("i18n-iso-countries/langs/en.json"));

const numeric = countries.getNumericCodes(); // "840" -> "US"

/** Whether `code` is an officially assigned ISO 3166-1 numeric code. */
export function isIsoCountry(code: number): boolean {
  return Number.isInteger(code) && numeric[String(code).padStart(3, "0")] !== undefined;
}

/** The English short name of an ISO 3166-1 numeric code (e.g. 840 -> "United States of America"), if assigned. */
export function countryName(code: number): string | undefined {
  const alpha2 = numeric[String(code).padStart(3, "0")];
  return alpha2 ? countries.getName(alpha2, "en") : undefined;
}

/** `840 (United States of America)`, or the bare number for an unassigned code. */
export function countryLabel(code: number): string {
  const name = countryName(code);
  return name ? `${code} (${name})` : String(code);
}

/** Examples shown with a refused code. */
export const COUNTRY_EXAMPLES = "e.g. 840 United States, 826 United Kingdom, 276 Germany, 702 Singapore";
