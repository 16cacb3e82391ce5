package accounts_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"px360/app"
	"px360/app/accounts"
	"px360/app/vault"
	"px360/store"
)

// clock is a settable time source shared by the store and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	st    *store.Store
	svc   *accounts.Service
	clock *clock
	key   []byte
	hospA app.Hospital
	hospB app.Hospital
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := vault.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, svc: accounts.New(st, v.TokenKey(), c.Now), clock: c, key: v.TokenKey()}
	e.hospA = seedHospital(t, st, "HA")
	e.hospB = seedHospital(t, st, "HB")
	return e
}

func seedHospital(t *testing.T, st *store.Store, code string) app.Hospital {
	t.Helper()
	ctx := context.Background()
	h := app.Hospital{Code: code, NameEN: code + " Hospital", NameAR: "مستشفى " + code, TimeZone: "Asia/Riyadh", Active: true}
	err := st.InTx(ctx, app.System, func(tx *store.Tx) error {
		org, err := tx.EnsureOrganization(ctx, "Group", "المجموعة")
		if err != nil {
			return err
		}
		h.OrganizationID = org
		return tx.SaveHospital(ctx, &h)
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func seedDepartment(t *testing.T, st *store.Store, hospitalID int64, code string) app.Department {
	t.Helper()
	ctx := context.Background()
	d := app.Department{HospitalID: hospitalID, Code: code, NameEN: code, NameAR: code, Category: app.DeptMedical, Active: true}
	if err := st.InTx(ctx, app.System, func(tx *store.Tx) error { return tx.SaveDepartment(ctx, &d) }); err != nil {
		t.Fatal(err)
	}
	return d
}

const goodPassword = "correct horse battery"

// createUser creates a user as the system principal.
func (e *env) createUser(t *testing.T, email string, role app.Role, hospitals ...int64) *app.User {
	t.Helper()
	u, err := e.svc.CreateUser(context.Background(), app.System, accounts.UserInput{Email: email, Name: "User " + email,
		Role: role, HospitalIDs: hospitals, Password: goodPassword})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func (e *env) reload(t *testing.T, id string) *app.User {
	t.Helper()
	u, err := e.st.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHashing(t *testing.T) {
	h, err := accounts.HashPassword(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(h, want) {
		t.Fatalf("hash %q does not start with %q", h, want)
	}
	if strings.Contains(h, goodPassword) {
		t.Fatal("hash contains the password")
	}
	h2, err := accounts.HashPassword(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Fatal("two hashes of the same password are equal: salt is not random")
	}

	tests := []struct {
		name    string
		hash    string
		pw      string
		want    bool
		wantErr bool
	}{
		{"right password matches", h, goodPassword, true, false},
		{"right password matches the second salt", h2, goodPassword, true, false},
		{"wrong password does not match", h, "correct horse battery!", false, false},
		{"empty password does not match", h, "", false, false},
		{"empty hash is an error", "", goodPassword, false, true},
		{"bcrypt hash is unsupported", "$2a$10$abcdefghijklmnopqrstuuM9hO1KZxJxKT2zC1Q6QnZ6sVYk5J9Ha", goodPassword, false, true},
		{"wrong algorithm is an error", strings.Replace(h, "argon2id", "argon2i", 1), goodPassword, false, true},
		{"too few parts is an error", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA", goodPassword, false, true},
		{"garbled parameters are an error", strings.Replace(h, "m=19456,t=2,p=1", "m=lots,t=2,p=1", 1), goodPassword, false, true},
		{"bad salt base64 is an error", strings.Join(replacePart(h, 4, "!!!not base64!!!"), "$"), goodPassword, false, true},
		{"bad key base64 is an error", strings.Join(replacePart(h, 5, "***"), "$"), goodPassword, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := accounts.CheckPassword(tt.hash, tt.pw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckPassword error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("CheckPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

func replacePart(h string, i int, v string) []string {
	parts := strings.Split(h, "$")
	parts[i] = v
	return parts
}

func TestCreateUserValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createUser(t, "taken@example.com", app.RoleStaff, e.hospA.ID)
	adminA := app.PrincipalOf(e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID), "10.0.0.1")
	depB := seedDepartment(t, e.st, e.hospB.ID, "DB")
	valid := func() accounts.UserInput {
		return accounts.UserInput{Email: "new@example.com", Name: "New User", Role: app.RoleStaff,
			HospitalIDs: []int64{e.hospA.ID}, Password: goodPassword}
	}
	tests := []struct {
		name   string
		by     app.Principal
		edit   func(*accounts.UserInput)
		code   string
		fields map[string]string
	}{
		{"bad e-mail", app.System, func(in *accounts.UserInput) { in.Email = "not-an-email" },
			app.EInvalid, map[string]string{"email": "err.email_invalid"}},
		{"e-mail with display name", app.System, func(in *accounts.UserInput) { in.Email = "Bob <bob@example.com>" },
			app.EInvalid, map[string]string{"email": "err.email_invalid"}},
		{"missing e-mail", app.System, func(in *accounts.UserInput) { in.Email = "  " },
			app.EInvalid, map[string]string{"email": "err.required"}},
		{"short password", app.System, func(in *accounts.UserInput) { in.Password = "123456789" },
			app.EInvalid, map[string]string{"password": "err.password_short"}},
		{"missing password", app.System, func(in *accounts.UserInput) { in.Password = "" },
			app.EInvalid, map[string]string{"password": "err.required"}},
		{"unknown role", app.System, func(in *accounts.UserInput) { in.Role = "superuser" },
			app.EInvalid, map[string]string{"role": "err.choose_option"}},
		{"missing hospital for a non-px-admin", app.System, func(in *accounts.UserInput) { in.HospitalIDs = nil },
			app.EInvalid, map[string]string{"hospitals": "err.hospital_required"}},
		{"unknown hospital", app.System, func(in *accounts.UserInput) { in.HospitalIDs = []int64{9999} },
			app.EInvalid, map[string]string{"hospitals": "err.hospital_not_allowed"}},
		{"department outside the user's hospitals", app.System, func(in *accounts.UserInput) { in.DepartmentIDs = []int64{depB.ID} },
			app.EInvalid, map[string]string{"departments": "err.department_not_in_hospitals"}},
		{"several problems at once", app.System, func(in *accounts.UserInput) {
			in.Email, in.Password, in.Role, in.Name = "x@", "short", "nope", ""
		}, app.EInvalid, map[string]string{"email": "err.email_invalid", "password": "err.password_short",
			"role": "err.choose_option", "name": "err.required"}},
		{"duplicate e-mail", app.System, func(in *accounts.UserInput) { in.Email = "taken@example.com" },
			app.EConflict, map[string]string{"email": "err.email_taken"}},
		{"duplicate e-mail differing in case", app.System, func(in *accounts.UserInput) { in.Email = " Taken@Example.COM " },
			app.EConflict, map[string]string{"email": "err.email_taken"}},
		{"hospital-admin cannot create a px-admin", adminA, func(in *accounts.UserInput) { in.Role = app.RolePXAdmin },
			app.EInvalid, map[string]string{"role": "err.role_not_allowed"}},
		{"hospital-admin cannot assign a hospital outside their scope", adminA,
			func(in *accounts.UserInput) { in.HospitalIDs = []int64{e.hospA.ID, e.hospB.ID} },
			app.EInvalid, map[string]string{"hospitals": "err.hospital_not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := countUsers(e.st)
			in := valid()
			tt.edit(&in)
			u, err := e.svc.CreateUser(ctx, tt.by, in)
			if err == nil {
				t.Fatalf("created %+v, want an error", u)
			}
			if got := app.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (%v)", got, tt.code, err)
			}
			got := app.Fields(err)
			if len(got) != len(tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
			for f, msg := range tt.fields {
				if got[f] != msg {
					t.Errorf("field %q = %q, want %q (all: %v)", f, got[f], msg, got)
				}
			}
			if after, _ := countUsers(e.st); after != before {
				t.Errorf("users %d -> %d: a rejected user was written", before, after)
			}
		})
	}

	t.Run("viewer is forbidden", func(t *testing.T) {
		viewer := app.PrincipalOf(e.createUser(t, "viewer@example.com", app.RoleViewer, e.hospA.ID), "")
		if _, err := e.svc.CreateUser(ctx, viewer, valid()); !errors.Is(err, app.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
	})

	t.Run("hospital-admin creates a user in their hospital", func(t *testing.T) {
		in := valid()
		in.Email = "  Fresh@Example.com "
		u, err := e.svc.CreateUser(ctx, adminA, in)
		if err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, u.ID)
		if got.Email != "fresh@example.com" || got.Role != app.RoleStaff || !got.Active || got.Language != "en" ||
			len(got.HospitalIDs) != 1 || got.HospitalIDs[0] != e.hospA.ID || got.SessionVersion != 1 {
			t.Fatalf("stored user = %+v", got)
		}
		if _, err := e.svc.SignIn(ctx, "fresh@example.com", goodPassword, ""); err != nil {
			t.Fatalf("new user cannot sign in: %v", err)
		}
	})
}

func auditActions(t *testing.T, st *store.Store, prefix string) []app.AuditEntry {
	t.Helper()
	page, err := st.ListAudit(context.Background(), store.AuditFilter{Scope: app.Scope{All: true}, Action: prefix, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()

	t.Run("success resets failures and sets last login", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "alice@example.com", app.RoleStaff, e.hospA.ID)
		for range 2 {
			if _, err := e.svc.SignIn(ctx, "alice@example.com", "wrong password!", "10.0.0.9"); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Fatalf("wrong password: err = %v, want ErrBadCredentials", err)
			}
		}
		if got := e.reload(t, u.ID).FailedLogins; got != 2 {
			t.Fatalf("failed logins = %d after two failures, want 2", got)
		}
		e.clock.Advance(time.Minute)
		got, err := e.svc.SignIn(ctx, "  ALICE@example.com ", goodPassword, "10.0.0.9")
		if err != nil {
			t.Fatalf("sign in: %v", err)
		}
		if got.ID != u.ID {
			t.Fatalf("signed in as %s, want %s", got.ID, u.ID)
		}
		stored := e.reload(t, u.ID)
		if stored.FailedLogins != 0 {
			t.Errorf("failed logins = %d after success, want 0", stored.FailedLogins)
		}
		if want := e.clock.Now(); !stored.LastLoginAt.Equal(want) {
			t.Errorf("last login = %v, want %v", stored.LastLoginAt, want)
		}
	})

	t.Run("bad credentials", func(t *testing.T) {
		e := newEnv(t)
		e.createUser(t, "bob@example.com", app.RoleStaff, e.hospA.ID)
		for _, c := range []struct{ name, email, pw string }{
			{"wrong password", "bob@example.com", "not the password"},
			{"unknown e-mail", "nobody@example.com", goodPassword},
			{"empty password", "bob@example.com", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				u, err := e.svc.SignIn(ctx, c.email, c.pw, "")
				if !errors.Is(err, accounts.ErrBadCredentials) || u != nil {
					t.Fatalf("SignIn = %v, %v; want nil, ErrBadCredentials", u, err)
				}
			})
		}
	})

	t.Run("lockout after five failures until the clock passes LockFor", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "carol@example.com", app.RoleStaff, e.hospA.ID)
		for i := 1; i <= 5; i++ {
			_, err := e.svc.SignIn(ctx, "carol@example.com", "wrong password!", "10.0.0.7")
			want := accounts.ErrBadCredentials
			if i == 5 {
				want = accounts.ErrLocked
			}
			if !errors.Is(err, want) {
				t.Fatalf("attempt %d: err = %v, want %v", i, err, want)
			}
		}
		if _, err := e.svc.SignIn(ctx, "carol@example.com", goodPassword, "10.0.0.7"); !errors.Is(err, accounts.ErrLocked) {
			t.Fatalf("right password while locked: err = %v, want ErrLocked", err)
		}
		e.clock.Advance(e.svc.LockFor - time.Second)
		if _, err := e.svc.SignIn(ctx, "carol@example.com", goodPassword, "10.0.0.7"); !errors.Is(err, accounts.ErrLocked) {
			t.Fatalf("right password one second before unlock: err = %v, want ErrLocked", err)
		}
		e.clock.Advance(2 * time.Second)
		got, err := e.svc.SignIn(ctx, "carol@example.com", goodPassword, "10.0.0.7")
		if err != nil {
			t.Fatalf("right password after the lock expired: %v", err)
		}
		if got.ID != u.ID {
			t.Fatalf("signed in as %s, want %s", got.ID, u.ID)
		}
		if s := e.reload(t, u.ID); s.FailedLogins != 0 || !s.LockedUntil.IsZero() {
			t.Errorf("after success: failures %d, locked until %v; want 0 and zero", s.FailedLogins, s.LockedUntil)
		}

		// Audit: 5 wrong passwords + 2 attempts while locked, then one success, in order.
		var actions []string
		for _, a := range auditActions(t, e.st, "auth.") {
			if a.EntityID == u.ID {
				actions = append([]string{a.Action}, actions...) // oldest first
				if a.IP != "10.0.0.7" || a.ActorEmail != "carol@example.com" || a.HospitalID != e.hospA.ID {
					t.Errorf("audit row %d: ip %q actor %q hospital %d", a.ID, a.IP, a.ActorEmail, a.HospitalID)
				}
			}
		}
		want := []string{"auth.signin_failed", "auth.signin_failed", "auth.signin_failed", "auth.signin_failed",
			"auth.signin_failed", "auth.signin_failed", "auth.signin_failed", "auth.signin"}
		if strings.Join(actions, ",") != strings.Join(want, ",") {
			t.Errorf("audit actions = %v, want %v", actions, want)
		}
		if n, err := e.st.VerifyAudit(ctx); err != nil || n == 0 {
			t.Errorf("VerifyAudit = %d, %v", n, err)
		}
	})

	t.Run("unknown e-mail is audited", func(t *testing.T) {
		e := newEnv(t)
		if _, err := e.svc.SignIn(ctx, "Ghost@Example.com", goodPassword, "10.1.1.1"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("err = %v", err)
		}
		rows := auditActions(t, e.st, "auth.signin_failed")
		if len(rows) != 1 || rows[0].ActorEmail != "ghost@example.com" || rows[0].IP != "10.1.1.1" {
			t.Fatalf("audit rows = %+v", rows)
		}
		if _, err := e.st.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("disabled user cannot sign in", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "dave@example.com", app.RoleStaff, e.hospA.ID)
		if err := e.svc.Disable(ctx, app.System, u.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.SignIn(ctx, "dave@example.com", goodPassword, "")
		if !errors.Is(err, accounts.ErrBadCredentials) || got != nil {
			t.Fatalf("SignIn = %v, %v; want nil, ErrBadCredentials", got, err)
		}
		if s := e.reload(t, u.ID); !s.LastLoginAt.IsZero() {
			t.Fatalf("disabled sign-in set last login to %v", s.LastLoginAt)
		}
		rows := auditActions(t, e.st, "auth.signin")
		if len(rows) != 1 || rows[0].Action != "auth.signin_failed" || !strings.Contains(rows[0].Summary, "disabled") {
			t.Fatalf("audit rows = %+v, want one auth.signin_failed for a disabled account", rows)
		}
	})
}

func TestSessionVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.createUser(t, "erin@example.com", app.RoleStaff, e.hospA.ID)
	v0 := u.SessionVersion
	if _, err := e.svc.Active(ctx, u.ID, v0); err != nil {
		t.Fatalf("Active with the current version: %v", err)
	}

	v1, err := e.svc.SignOutOthers(ctx, app.PrincipalOf(u, ""))
	if err != nil {
		t.Fatal(err)
	}
	if v1 != v0+1 {
		t.Fatalf("SignOutOthers returned %d, want %d", v1, v0+1)
	}
	if _, err := e.svc.Active(ctx, u.ID, v0); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Active(old version) err = %v, want ErrNotFound", err)
	}
	if got, err := e.svc.Active(ctx, u.ID, v1); err != nil || got.ID != u.ID {
		t.Errorf("Active(new version) = %v, %v", got, err)
	}

	if err := e.svc.SetPassword(ctx, app.System, u.ID, "another good password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Active(ctx, u.ID, v1); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Active after SetPassword with the previous version err = %v, want ErrNotFound", err)
	}
	if _, err := e.svc.Active(ctx, u.ID, v1+1); err != nil {
		t.Errorf("Active after SetPassword with the bumped version: %v", err)
	}
	if _, err := e.svc.SignIn(ctx, "erin@example.com", goodPassword, ""); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Errorf("old password after SetPassword: err = %v, want ErrBadCredentials", err)
	}
	if _, err := e.svc.SignIn(ctx, "erin@example.com", "another good password", ""); err != nil {
		t.Errorf("new password after SetPassword: %v", err)
	}
	if err := e.svc.SetPassword(ctx, app.System, u.ID, "short"); app.Fields(err)["password"] != "err.password_short" {
		t.Errorf("SetPassword(short) err = %v, want field password err.password_short", err)
	}
	if _, err := e.svc.Active(ctx, "no-such-user", 1); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Active(unknown user) err = %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()

	t.Run("valid token returns the user", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		tok, ttl, err := e.svc.IssueToken(u)
		if err != nil {
			t.Fatal(err)
		}
		if ttl != e.svc.TokenTTL {
			t.Errorf("ttl = %v, want %v", ttl, e.svc.TokenTTL)
		}
		got, err := e.svc.UserForToken(ctx, tok)
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserForToken = %v, %v", got, err)
		}
	})

	t.Run("sign out everywhere revokes the token", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		tok, _, err := e.svc.IssueToken(u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SignOutOthers(ctx, app.PrincipalOf(u, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UserForToken(ctx, tok); !errors.Is(err, accounts.ErrBadToken) {
			t.Fatalf("old token err = %v, want ErrBadToken", err)
		}
		fresh, _, err := e.svc.IssueToken(e.reload(t, u.ID))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UserForToken(ctx, fresh); err != nil {
			t.Fatalf("token issued after the bump: %v", err)
		}
	})

	t.Run("disabled user's token is refused", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		tok, _, _ := e.svc.IssueToken(u)
		if err := e.svc.Disable(ctx, app.System, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UserForToken(ctx, tok); !errors.Is(err, accounts.ErrBadToken) {
			t.Fatalf("err = %v, want ErrBadToken", err)
		}
	})

	t.Run("expired token is refused", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		tok, _, _ := e.svc.IssueToken(u)
		e.clock.Advance(e.svc.TokenTTL - time.Second)
		if _, err := e.svc.UserForToken(ctx, tok); err != nil {
			t.Fatalf("token one second before expiry: %v", err)
		}
		e.clock.Advance(2 * time.Second)
		if _, err := e.svc.UserForToken(ctx, tok); !errors.Is(err, accounts.ErrBadToken) {
			t.Fatalf("expired token err = %v, want ErrBadToken", err)
		}
	})

	t.Run("token signed with another key is refused", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		other := accounts.New(e.st, []byte("a completely different signing key!!"), e.clock.Now)
		tok, _, err := other.IssueToken(u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.UserForToken(ctx, tok); err != nil {
			t.Fatalf("control: the other service accepts its own token: %v", err)
		}
		if _, err := e.svc.UserForToken(ctx, tok); !errors.Is(err, accounts.ErrBadToken) {
			t.Fatalf("err = %v, want ErrBadToken", err)
		}
	})

	t.Run("garbage and tampered tokens are refused", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "frank@example.com", app.RoleStaff, e.hospA.ID)
		tok, _, _ := e.svc.IssueToken(u)
		parts := strings.Split(tok, ".")
		for name, bad := range map[string]string{
			"empty":             "",
			"garbage":           "not.a.token",
			"signature removed": parts[0] + "." + parts[1] + ".",
			"alg none":          "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".",
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := e.svc.UserForToken(ctx, bad); !errors.Is(err, accounts.ErrBadToken) {
					t.Fatalf("err = %v, want ErrBadToken", err)
				}
			})
		}
	})
}

func TestResetLinks(t *testing.T) {
	ctx := context.Background()

	t.Run("link works once", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "gina@example.com", app.RoleStaff, e.hospA.ID)
		tok, err := e.svc.IssueResetLink(ctx, app.System, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !e.svc.ResetLinkValid(ctx, tok) {
			t.Fatal("fresh link is not valid")
		}
		if e.svc.ResetLinkValid(ctx, tok+"0") {
			t.Fatal("a different token is valid")
		}
		if err := e.svc.ResetPassword(ctx, tok, "short", ""); app.Fields(err)["password"] != "err.password_short" {
			t.Fatalf("short password err = %v", err)
		}
		if !e.svc.ResetLinkValid(ctx, tok) {
			t.Fatal("a rejected password used up the link")
		}
		if err := e.svc.ResetPassword(ctx, tok, "brand new password", "10.2.2.2"); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if e.svc.ResetLinkValid(ctx, tok) {
			t.Error("link still valid after use")
		}
		err = e.svc.ResetPassword(ctx, tok, "yet another password", "")
		if app.ErrorCode(err) != app.ENotFound {
			t.Errorf("second use err = %v, want code not_found", err)
		}
		if _, err := e.svc.SignIn(ctx, "gina@example.com", "brand new password", ""); err != nil {
			t.Errorf("sign in with the reset password: %v", err)
		}
		if _, err := e.svc.SignIn(ctx, "gina@example.com", "yet another password", ""); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Errorf("second reset changed the password: err = %v", err)
		}
		if got := e.reload(t, u.ID).SessionVersion; got != u.SessionVersion+1 {
			t.Errorf("session version = %d after reset, want %d", got, u.SessionVersion+1)
		}
	})

	t.Run("link expires after ResetTTL", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "gina@example.com", app.RoleStaff, e.hospA.ID)
		tok, err := e.svc.IssueResetLink(ctx, app.System, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(e.svc.ResetTTL - time.Second)
		if !e.svc.ResetLinkValid(ctx, tok) {
			t.Fatal("link invalid one second before expiry")
		}
		e.clock.Advance(2 * time.Second)
		if e.svc.ResetLinkValid(ctx, tok) {
			t.Error("link valid after expiry")
		}
		if err := e.svc.ResetPassword(ctx, tok, "brand new password", ""); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("expired link err = %v, want code not_found", err)
		}
		if _, err := e.svc.SignIn(ctx, "gina@example.com", goodPassword, ""); err != nil {
			t.Errorf("old password stopped working after a refused reset: %v", err)
		}
	})

	t.Run("hospital-admin cannot issue a link for another hospital's user", func(t *testing.T) {
		e := newEnv(t)
		adminA := app.PrincipalOf(e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID), "")
		userB := e.createUser(t, "user-b@example.com", app.RoleStaff, e.hospB.ID)
		if _, err := e.svc.IssueResetLink(ctx, adminA, userB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	ctx := context.Background()
	in := func(u *app.User) accounts.UserInput {
		return accounts.UserInput{Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language,
			HospitalIDs: u.HospitalIDs, DepartmentIDs: u.DepartmentIDs, Active: u.Active}
	}

	t.Run("cannot demote or disable oneself", func(t *testing.T) {
		e := newEnv(t)
		adminU := e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID)
		pxU := e.createUser(t, "px@example.com", app.RolePXAdmin)
		for _, c := range []struct {
			name string
			u    *app.User
			edit func(*accounts.UserInput)
		}{
			{"hospital-admin demotes self", adminU, func(x *accounts.UserInput) { x.Role = app.RoleViewer }},
			{"hospital-admin disables self", adminU, func(x *accounts.UserInput) { x.Active = false }},
			{"px-admin demotes self", pxU, func(x *accounts.UserInput) {
				x.Role, x.HospitalIDs = app.RoleHospitalAdmin, []int64{e.hospA.ID}
			}},
			{"px-admin disables self", pxU, func(x *accounts.UserInput) { x.Active = false }},
		} {
			t.Run(c.name, func(t *testing.T) {
				x := in(c.u)
				c.edit(&x)
				_, err := e.svc.UpdateUser(ctx, app.PrincipalOf(c.u, ""), c.u.ID, x)
				if app.ErrorCode(err) != app.EInvalid || app.Fields(err)["role"] != "err.cannot_demote_self" {
					t.Fatalf("err = %v, want invalid with role err.cannot_demote_self", err)
				}
				s := e.reload(t, c.u.ID)
				if s.Role != c.u.Role || !s.Active || s.SessionVersion != c.u.SessionVersion {
					t.Fatalf("stored user changed: %+v", s)
				}
			})
		}
		t.Run("renaming oneself is allowed", func(t *testing.T) {
			x := in(adminU)
			x.Name = "Renamed Admin"
			if _, err := e.svc.UpdateUser(ctx, app.PrincipalOf(adminU, ""), adminU.ID, x); err != nil {
				t.Fatal(err)
			}
			if got := e.reload(t, adminU.ID); got.Name != "Renamed Admin" || got.SessionVersion != adminU.SessionVersion {
				t.Fatalf("stored user = %+v", got)
			}
		})
	})

	t.Run("hospital-admin of A cannot see a user only in B", func(t *testing.T) {
		e := newEnv(t)
		adminA := app.PrincipalOf(e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID), "")
		userB := e.createUser(t, "user-b@example.com", app.RoleStaff, e.hospB.ID)
		x := in(userB)
		x.Name = "Hijacked"
		x.HospitalIDs = []int64{e.hospA.ID}
		if _, err := e.svc.UpdateUser(ctx, adminA, userB.ID, x); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("UpdateUser err = %v, want ErrNotFound", err)
		}
		if _, err := e.svc.User(ctx, adminA, userB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("User err = %v, want ErrNotFound", err)
		}
		if err := e.svc.Disable(ctx, adminA, userB.ID); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("Disable err = %v, want ErrNotFound", err)
		}
		if got := e.reload(t, userB.ID); got.Name != userB.Name || !got.Active || len(got.HospitalIDs) != 1 || got.HospitalIDs[0] != e.hospB.ID {
			t.Fatalf("user in B changed: %+v", got)
		}
		page, err := e.svc.ListUsers(ctx, adminA, store.UserQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Items {
			if u.ID == userB.ID {
				t.Fatal("ListUsers for admin of A shows the user of B")
			}
		}
	})

	t.Run("hospital-admin cannot see a px-admin", func(t *testing.T) {
		e := newEnv(t)
		adminA := app.PrincipalOf(e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID), "")
		px := e.createUser(t, "px@example.com", app.RolePXAdmin, e.hospA.ID)
		if _, err := e.svc.User(ctx, adminA, px.ID); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("role change signs the user out", func(t *testing.T) {
		e := newEnv(t)
		u := e.createUser(t, "staff@example.com", app.RoleStaff, e.hospA.ID)
		x := in(u)
		x.Role = app.RoleViewer
		got, err := e.svc.UpdateUser(ctx, app.System, u.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != app.RoleViewer || got.SessionVersion != u.SessionVersion+1 {
			t.Fatalf("returned user = %+v", got)
		}
		if _, err := e.svc.Active(ctx, u.ID, u.SessionVersion); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("old session still active: %v", err)
		}
	})

	t.Run("hospital-admin cannot change a user who also works in another hospital", func(t *testing.T) {
		e := newEnv(t)
		adminA := app.PrincipalOf(e.createUser(t, "admin-a@example.com", app.RoleHospitalAdmin, e.hospA.ID), "")
		depA := seedDepartment(t, e.st, e.hospA.ID, "DA")
		depB := seedDepartment(t, e.st, e.hospB.ID, "DB")
		u, err := e.svc.CreateUser(ctx, app.System, accounts.UserInput{Email: "both@example.com", Name: "Both",
			Role: app.RoleStaff, HospitalIDs: []int64{e.hospA.ID, e.hospB.ID}, DepartmentIDs: []int64{depA.ID, depB.ID},
			Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		// Admin of A could otherwise promote the user, reset the password and read hospital B.
		x := accounts.UserInput{Email: u.Email, Name: "Both Renamed", Role: app.RoleHospitalAdmin, HospitalIDs: []int64{e.hospA.ID},
			DepartmentIDs: []int64{depA.ID}, Active: true}
		if _, err := e.svc.UpdateUser(ctx, adminA, u.ID, x); app.ErrorCode(err) != app.EForbidden {
			t.Fatalf("update: %v, want forbidden", err)
		}
		if _, err := e.svc.IssueResetLink(ctx, adminA, u.ID); app.ErrorCode(err) != app.EForbidden {
			t.Fatalf("reset link: %v, want forbidden", err)
		}
		if err := e.svc.SetPassword(ctx, adminA, u.ID, "a new long password"); app.ErrorCode(err) != app.EForbidden {
			t.Fatalf("set password: %v, want forbidden", err)
		}
		if err := e.svc.Disable(ctx, adminA, u.ID); app.ErrorCode(err) != app.EForbidden {
			t.Fatalf("disable: %v, want forbidden", err)
		}
		got := e.reload(t, u.ID)
		if got.Name != "Both" || got.Role != app.RoleStaff || !got.Active || len(got.HospitalIDs) != 2 || len(got.DepartmentIDs) != 2 {
			t.Fatalf("the user changed: %+v", got)
		}
		// Seeing the user is still allowed (the list shows colleagues), and a PX admin can edit.
		if _, err := e.svc.User(ctx, adminA, u.ID); err != nil {
			t.Fatalf("view: %v", err)
		}
		if _, err := e.svc.UpdateUser(ctx, app.System, u.ID, x); err != nil {
			t.Fatalf("px admin update: %v", err)
		}
	})
}

func TestDisabledAccountIsRefusedWithoutLockingIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.createUser(t, "paused@example.com", app.RoleStaff, e.hospA.ID)
	if err := e.svc.Disable(ctx, app.System, u.ID); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ {
		if _, err := e.svc.SignIn(ctx, "paused@example.com", goodPassword, "10.0.0.1"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("attempt %d on a disabled account: %v, want bad credentials", i, err)
		}
	}
	in := accounts.UserInput{Email: u.Email, Name: u.Name, Role: u.Role, Language: "en", HospitalIDs: u.HospitalIDs, Active: true}
	if _, err := e.svc.UpdateUser(ctx, app.System, u.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SignIn(ctx, "paused@example.com", goodPassword, "10.0.0.1"); err != nil {
		t.Fatalf("re-enabled account: %v (it must not have been locked while disabled)", err)
	}
}

func countUsers(st *store.Store) (int, error) {
	var n int
	err := st.R.QueryRow(`select count(*) from users`).Scan(&n)
	return n, err
}
