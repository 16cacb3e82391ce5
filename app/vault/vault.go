// Package vault owns the installation's secrets in DATA/keys: the field-encryption key
// (AES-256-GCM for national IDs), the blind-index key (HMAC-SHA256, so an encrypted
// national ID can still be looked up by equality), the token-signing key (JWTs) and the
// audit-chain key (HMAC over the audit log).
// Keys are generated on first start, written with mode 0600, and never leave the server
// except inside a backup archive.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Vault holds the loaded keys.
type Vault struct {
	aead     cipher.AEAD
	indexKey []byte
	tokenKey []byte
	auditKey []byte
}

const keyLen = 32

// Open loads the keys from dir, creating any that are missing.
func Open(dir string) (*Vault, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys dir: %w", err)
	}
	load := func(name string) ([]byte, error) {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			b = make([]byte, keyLen)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			if err := writeKey(path, b); err != nil {
				return nil, err
			}
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read key %s: %w", name, err)
		}
		if len(b) != keyLen {
			return nil, fmt.Errorf("key %s is %d bytes, want %d: the keys directory is damaged", name, len(b), keyLen)
		}
		return b, nil
	}
	field, err := load("field.key")
	if err != nil {
		return nil, err
	}
	index, err := load("index.key")
	if err != nil {
		return nil, err
	}
	token, err := load("token.key")
	if err != nil {
		return nil, err
	}
	audit, err := load("audit.key")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(field)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Vault{aead: aead, indexKey: index, tokenKey: token, auditKey: audit}, nil
}

func writeKey(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create key %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Encrypt seals plain with a fresh random nonce; purpose is bound as associated data so
// a ciphertext cannot be moved to another kind of field.
func (v *Vault) Encrypt(purpose, plain string) ([]byte, error) {
	nonce := make([]byte, v.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return v.aead.Seal(nonce, nonce, []byte(plain), []byte(purpose)), nil
}

// Decrypt opens a value sealed by Encrypt with the same purpose.
func (v *Vault) Decrypt(purpose string, sealed []byte) (string, error) {
	n := v.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("decrypt: value too short")
	}
	plain, err := v.aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose))
	if err != nil {
		return "", fmt.Errorf("decrypt %s: %w", purpose, err)
	}
	return string(plain), nil
}

// BlindIndex returns a keyed hash of the normalised value: equal inputs give equal
// indexes, but the index reveals nothing without the key.
func (v *Vault) BlindIndex(purpose, value string) string {
	m := hmac.New(sha256.New, v.indexKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(strings.ToUpper(strings.Join(strings.Fields(value), ""))))
	return hex.EncodeToString(m.Sum(nil))
}

// TokenKey is the HMAC key for signing API tokens.
func (v *Vault) TokenKey() []byte { return v.tokenKey }

// AuditKey is the HMAC key of the audit log's hash chain.
func (v *Vault) AuditKey() []byte { return v.auditKey }
