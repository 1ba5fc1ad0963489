// Schema version 6: what each delivery's recipients answered, and why a delivery ended unsent.
// Released: never edit this text; change the schema in a new numbered file.
//
// recipients: JSON { pending, accepted, refused } (outbox-store.ts DeliveryRecipients), written
// after an attempt the server answered per recipient; NULL = nothing answered yet, every recipient
// still pending. failed: NULL, or why a closed delivery was not delivered ('auth', 'refused',
// 'gave_up'); such a delivery has delivered_at set (it blocks nothing) and its index lets
// the status page and a reload find it.
export const version = 6;
export const name = 'mail-recipients';

export const sql = `
ALTER TABLE deliveries ADD COLUMN recipients TEXT;
ALTER TABLE deliveries ADD COLUMN failed TEXT;
CREATE INDEX deliveries_failed ON deliveries (channel, failed, delivered_at) WHERE failed IS NOT NULL;
`;
