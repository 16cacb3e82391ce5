// Package install owns the data directory as a whole: it locks it against a
// second server, knows where it lives by default, backs it up into a single
// verifiable archive, restores such an archive in place of it, and installs
// px360 as an operating-system service that serves it.
//
// A data directory (DATA) holds px360.db (+ -wal/-shm), files/ (attachments,
// content-addressed), keys/ (secrets), index/ (derived search index, never
// backed up), backups/ (scheduled archives, not part of a backup) and .lock.
package install
