/** A `catalogue` command given the wrong words; cli.ts prints the usage and exits 2. */
export class CatalogueUsageError extends Error {}
