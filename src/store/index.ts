/** The recordings archive: a standalone, protocol-free catalogue of recordings in SQLite (see archive.ts). */
export { RecordingArchive, type ArchiveOptions } from './archive.js';
export { CATALOGUE_FILE } from './connection.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema.js';
export * from './types.js';
