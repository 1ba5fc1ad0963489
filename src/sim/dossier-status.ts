// The simulator speaks the same dossier status codes as the sync probe judges; one table for both.
export { DOSSIER_STATUSES, type DossierStatusCode } from '../probes/dossier-status.ts';
