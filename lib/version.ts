/**
 * The package version, without reading package.json (the browser entry has no files): model
 * files record it in their metadata. test/models.files.test.ts keeps it equal to
 * package.json's.
 */
export const VERSION = '0.2.0';
