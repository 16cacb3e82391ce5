package vault_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"px360/app/vault"
)

func TestKeysPersistAndEncryptionRoundTrips(t *testing.T) {
	dir := t.TempDir()
	v1, err := vault.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := v1.Encrypt("national_id", "1012345678")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("1012345678")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	v2, err := vault.Open(dir) // a restart loads the same keys
	if err != nil {
		t.Fatal(err)
	}
	got, err := v2.Decrypt("national_id", sealed)
	if err != nil || got != "1012345678" {
		t.Fatalf("decrypt = %q, %v", got, err)
	}
	if _, err := v2.Decrypt("phone", sealed); err == nil {
		t.Fatal("a ciphertext opened under another purpose")
	}
	if v1.BlindIndex("nid", "10123 45678") != v2.BlindIndex("nid", "1012345678") {
		t.Fatal("blind index is not stable across restarts and spacing")
	}
	info, err := os.Stat(filepath.Join(dir, "field.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", info.Mode(), err)
	}
}

func TestDamagedKeyIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "field.key"), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Open(dir); err == nil {
		t.Fatal("opened with a damaged key")
	}
}
