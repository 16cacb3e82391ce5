// Package accounts owns staff accounts: creating and editing users within the admin's
// hospitals, signing in with argon2id and a per-account lockout, sessions that can all be
// revoked at once, password changes and one-time reset links, and API bearer tokens.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"px360/app"
	"px360/store"
)

// Service implements the account use cases.
type Service struct {
	st       *store.Store
	tokenKey []byte
	now      func() time.Time
	hashing  chan struct{} // bounds concurrent argon2id work (19 MiB each)
	active   activeCache   // recently checked signed-in users

	MaxFailures int           // failed sign-ins before a lockout
	LockFor     time.Duration // how long a lockout lasts
	TokenTTL    time.Duration // lifetime of an API access token
	ResetTTL    time.Duration // lifetime of a reset link
}

// New returns the accounts service. tokenKey signs API tokens.
func New(st *store.Store, tokenKey []byte, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, tokenKey: tokenKey, now: now, hashing: make(chan struct{}, 4),
		MaxFailures: 5, LockFor: 15 * time.Minute, TokenTTL: 15 * time.Minute, ResetTTL: 24 * time.Hour}
}

func (s *Service) hash(pw string) (string, error) {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return HashPassword(pw)
}

func (s *Service) check(hash, pw string) (bool, error) {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return CheckPassword(hash, pw)
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

func validPassword(fe app.FieldErrors, field, pw string) {
	switch {
	case pw == "":
		fe.Add(field, "err.required")
	case len([]rune(pw)) < MinPasswordLen:
		fe.Add(field, "err.password_short")
	case len(pw) > 256:
		fe.Add(field, "err.too_long")
	}
}

// newPasswordHash checks a new password (adding to fe, which may already hold other
// errors) and hashes it only when every field is valid.
func (s *Service) newPasswordHash(fe app.FieldErrors, field, pw string) (string, error) {
	validPassword(fe, field, pw)
	if err := fe.Err(); err != nil {
		return "", err
	}
	return s.hash(pw)
}

// UserInput is what an admin (or the CLI) sets on a user.
type UserInput struct {
	Email         string
	Name          string
	Role          app.Role
	Language      string
	HospitalIDs   []int64
	DepartmentIDs []int64
	Active        bool
	Password      string // required on create, ignored on update
}

// validate checks the input and that by may grant it: only PX admins grant px-admin or
// hospitals outside their own scope.
func (s *Service) validate(ctx context.Context, by app.Principal, in *UserInput, creating bool) error {
	fe := app.FieldErrors{}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	if in.Email == "" {
		fe.Add("email", "err.required")
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		fe.Add("email", "err.email_invalid")
	}
	if in.Name == "" {
		fe.Add("name", "err.required")
	} else if len(in.Name) > 200 {
		fe.Add("name", "err.too_long")
	}
	if !in.Role.Valid() {
		fe.Add("role", "err.choose_option")
	} else if in.Role == app.RolePXAdmin && by.Role != app.RolePXAdmin {
		fe.Add("role", "err.role_not_allowed")
	}
	if in.Language == "" {
		in.Language = "en"
	}
	if !app.ValidLanguage(in.Language) {
		fe.Add("language", "err.choose_option")
	}
	if creating {
		validPassword(fe, "password", in.Password)
	}
	slices.Sort(in.HospitalIDs)
	in.HospitalIDs = slices.Compact(in.HospitalIDs)
	slices.Sort(in.DepartmentIDs)
	in.DepartmentIDs = slices.Compact(in.DepartmentIDs)
	if in.Role != app.RolePXAdmin && in.Role.Valid() && len(in.HospitalIDs) == 0 {
		fe.Add("hospitals", "err.hospital_required")
	}
	for _, h := range in.HospitalIDs {
		if _, err := s.st.HospitalByID(ctx, by.Scope, h); err != nil {
			fe.Add("hospitals", "err.hospital_not_allowed")
		}
	}
	for _, d := range in.DepartmentIDs {
		dep, err := s.st.DepartmentByID(ctx, by.Scope, d)
		if err != nil || !slices.Contains(in.HospitalIDs, dep.HospitalID) {
			fe.Add("departments", "err.department_not_in_hospitals")
		}
	}
	return fe.Err()
}

func summary(u *app.User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "role": u.Role, "active": u.Active,
		"hospitals": u.HospitalIDs, "departments": u.DepartmentIDs}
}

func firstHospital(u *app.User) int64 {
	if len(u.HospitalIDs) > 0 {
		return u.HospitalIDs[0]
	}
	return 0
}

// CreateUser creates an account.
func (s *Service) CreateUser(ctx context.Context, by app.Principal, in UserInput) (*app.User, error) {
	if !by.Can(app.PermUserManage) {
		return nil, app.ErrForbidden
	}
	if err := s.validate(ctx, by, &in, true); err != nil {
		return nil, err
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return nil, err
	}
	u := &app.User{ID: store.NewID(), Email: in.Email, Name: in.Name, Role: in.Role, Language: in.Language,
		HospitalIDs: in.HospitalIDs, DepartmentIDs: in.DepartmentIDs, Active: true}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u, hash); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventUserSaved, firstHospital(u), map[string]string{"id": u.ID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.create", Entity: "user", EntityID: u.ID,
			HospitalID: firstHospital(u), Summary: map[string]any{"after": summary(u)}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// User returns a user that by may manage (users sharing one of by's hospitals).
func (s *Service) User(ctx context.Context, by app.Principal, id string) (*app.User, error) {
	u, err := s.st.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if by.UserID == u.ID || by.Scope.All {
		return u, nil
	}
	if u.Role == app.RolePXAdmin || !slices.ContainsFunc(u.HospitalIDs, by.Scope.Allows) {
		return nil, app.ErrNotFound
	}
	return u, nil
}

// manageable returns a user that by may change: besides seeing the user, every one of the
// user's hospitals must be in by's scope, or an admin of one hospital could take over an
// account that also works in another (edit its role, reset its password).
func (s *Service) manageable(ctx context.Context, by app.Principal, id string) (*app.User, error) {
	u, err := s.User(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if by.Scope.All || u.ID == by.UserID {
		return u, nil
	}
	for _, h := range u.HospitalIDs {
		if !by.Scope.Allows(h) {
			return nil, &app.Error{Code: app.EForbidden, Message: "err.user_other_hospitals"}
		}
	}
	return u, nil
}

// UpdateUser edits a user's profile, role, hospitals and active flag. Deactivating or
// changing the role signs the user out everywhere.
func (s *Service) UpdateUser(ctx context.Context, by app.Principal, id string, in UserInput) (*app.User, error) {
	defer s.active.forget(id)
	if !by.Can(app.PermUserManage) {
		return nil, app.ErrForbidden
	}
	u, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, by, &in, false); err != nil {
		return nil, err
	}
	if u.ID == by.UserID && (!in.Active || in.Role != u.Role) {
		return nil, &app.Error{Code: app.EInvalid, Message: "err.cannot_demote_self",
			Fields: app.FieldErrors{"role": "err.cannot_demote_self"}}
	}
	before := summary(u)
	var bump int64
	if in.Role != u.Role || in.Active != u.Active {
		bump = 1 // a new role or a disabled account takes effect in every session at once
	}
	u.Email, u.Name, u.Role, u.Language, u.Active = in.Email, in.Name, in.Role, in.Language, in.Active
	u.HospitalIDs, u.DepartmentIDs = in.HospitalIDs, in.DepartmentIDs
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.UpdateUser(ctx, u, bump); err != nil {
			return err
		}
		if err := tx.Emit(ctx, app.EventUserSaved, firstHospital(u), map[string]string{"id": u.ID}); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.update", Entity: "user", EntityID: u.ID,
			HospitalID: firstHospital(u), Summary: map[string]any{"before": before, "after": summary(u)}})
	})
	return u, err
}

// ListUsers lists the users by may manage.
func (s *Service) ListUsers(ctx context.Context, by app.Principal, q store.UserQuery) (app.Page[app.User], error) {
	if !by.Can(app.PermUserManage) {
		return app.Page[app.User]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListUsers(ctx, q)
}

// SetPassword sets a user's password (CLI and admins) and signs them out everywhere.
func (s *Service) SetPassword(ctx context.Context, by app.Principal, id, pw string) error {
	defer s.active.forget(id)
	if !by.Can(app.PermUserManage) && by.UserID != id {
		return app.ErrForbidden
	}
	u, err := s.manageable(ctx, by, id)
	if err != nil {
		return err
	}
	hash, err := s.newPasswordHash(app.FieldErrors{}, "password", pw)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.set_password", Entity: "user", EntityID: u.ID, HospitalID: firstHospital(u)})
	})
}

// UserByEmail finds a user by e-mail for the CLI.
func (s *Service) UserByEmail(ctx context.Context, email string) (*app.User, error) {
	u, _, err := s.st.UserByEmail(ctx, email)
	return u, err
}

// Disable deactivates a user and ends every session.
func (s *Service) Disable(ctx context.Context, by app.Principal, id string) error {
	u, err := s.manageable(ctx, by, id)
	if err != nil {
		return err
	}
	in := UserInput{Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language, HospitalIDs: u.HospitalIDs,
		DepartmentIDs: u.DepartmentIDs, Active: false}
	_, err = s.UpdateUser(ctx, by, id, in)
	return err
}

// SetLanguage stores the user's UI language.
func (s *Service) SetLanguage(ctx context.Context, by app.Principal, lang string) error {
	defer s.active.forget(by.UserID)
	if !app.ValidLanguage(lang) {
		return app.Errorf(app.EInvalid, "err.choose_option")
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetUserLanguage(ctx, by.UserID, lang); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.preferences", Entity: "user", EntityID: by.UserID,
			Summary: map[string]string{"language": lang}})
	})
}

// SetShowHijri stores whether the user sees Umm al-Qura dates beside Gregorian ones.
func (s *Service) SetShowHijri(ctx context.Context, by app.Principal, show bool) error {
	defer s.active.forget(by.UserID)
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetUserHijri(ctx, by.UserID, show); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.preferences", Entity: "user", EntityID: by.UserID,
			Summary: map[string]bool{"show_hijri": show}})
	})
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// IssueResetLink creates a one-time password-reset token for a user and returns it; only
// its hash is stored, so the admin must hand the link over now.
func (s *Service) IssueResetLink(ctx context.Context, by app.Principal, id string) (string, error) {
	if !by.Can(app.PermUserManage) {
		return "", app.ErrForbidden
	}
	u, err := s.manageable(ctx, by, id)
	if err != nil {
		return "", err
	}
	token := randomToken()
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.InsertPasswordReset(ctx, tokenHash(token), u.ID, tx.Now().Add(s.ResetTTL)); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.reset_link", Entity: "user", EntityID: u.ID, HospitalID: firstHospital(u)})
	})
	return token, err
}

// ResetLinkValid reports whether a reset token can still be used.
func (s *Service) ResetLinkValid(ctx context.Context, token string) bool {
	return s.st.PasswordResetValid(ctx, tokenHash(token))
}

// ResetPassword consumes a reset token and sets the new password.
func (s *Service) ResetPassword(ctx context.Context, token, pw, ip string) error {
	hash, err := s.newPasswordHash(app.FieldErrors{}, "password", pw)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, app.Principal{Email: "reset-link", IP: ip}, func(tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(ctx, tokenHash(token))
		if err != nil {
			return &app.Error{Code: app.ENotFound, Message: "err.reset_link_invalid"}
		}
		defer s.active.forget(userID)
		if err := tx.SetPasswordHash(ctx, userID, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.reset_password", Entity: "user", EntityID: userID})
	})
}

// ErrBadCredentials is returned for an unknown e-mail or a wrong password alike.
var ErrBadCredentials = &app.Error{Code: app.EUnauthorized, Message: "err.bad_credentials"}

// ErrLocked is returned while an account is locked after repeated failures.
var ErrLocked = &app.Error{Code: app.ELocked, Message: "err.account_locked"}

// SignIn checks the e-mail and password. Failures are audited; MaxFailures in a row lock
// the account for LockFor. Unknown e-mails cost the same argon2id work as known ones.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*app.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 254 || len(password) > 1024 { // no e-mail is longer; nothing this long goes into the audit log
		_, _ = s.check(dummyHash(), "")
		return nil, ErrBadCredentials
	}
	u, hash, err := s.st.UserByEmail(ctx, email)
	if errors.Is(err, app.ErrNotFound) {
		_, _ = s.check(dummyHash(), password)
		_ = s.st.AuditOutside(ctx, app.Principal{Email: email, IP: ip}, app.Audit{Action: "auth.signin_failed",
			Entity: "user", Summary: map[string]string{"reason": "unknown e-mail"}})
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	who := app.Principal{UserID: u.ID, Email: u.Email, IP: ip}
	now := s.now()
	if u.LockedUntil.After(now) {
		_, _ = s.check(dummyHash(), password) // as slow as a real check: the answer time does not tell
		_ = s.st.AuditOutside(ctx, who, app.Audit{Action: "auth.signin_failed", Entity: "user", EntityID: u.ID,
			HospitalID: firstHospital(u), Summary: map[string]string{"reason": "locked"}})
		return nil, ErrLocked
	}
	ok, err := s.check(hash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", email, err)
	}
	var failures int
	err = s.st.InTx(ctx, who, func(tx *store.Tx) error {
		if u.Active { // a disabled account is refused without counting towards a lockout
			var err error
			if failures, err = tx.RecordLogin(ctx, u.ID, ok, s.MaxFailures, now.Add(s.LockFor)); err != nil {
				return err
			}
		}
		ok = ok && u.Active
		a := app.Audit{Action: "auth.signin", Entity: "user", EntityID: u.ID, HospitalID: firstHospital(u)}
		if !ok {
			reason := "wrong password"
			if !u.Active {
				reason = "account disabled"
			}
			a.Action, a.Summary = "auth.signin_failed", map[string]any{"reason": reason, "failures": failures}
		}
		return tx.Audit(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		if failures >= s.MaxFailures && u.Active { // this failure triggered the lock
			return nil, ErrLocked
		}
		return nil, ErrBadCredentials
	}
	return u, nil
}

// SignedOut records a sign-out.
func (s *Service) SignedOut(ctx context.Context, by app.Principal) {
	_ = s.st.AuditOutside(ctx, by, app.Audit{Action: "auth.signout", Entity: "user", EntityID: by.UserID})
}

// SignOutOthers ends every other session of the user: it bumps the session version and
// returns the new one, which the caller writes into the current session.
func (s *Service) SignOutOthers(ctx context.Context, by app.Principal) (int64, error) {
	defer s.active.forget(by.UserID)
	var v int64
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if v, err = tx.BumpSessionVersion(ctx, by.UserID); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "auth.signout_others", Entity: "user", EntityID: by.UserID})
	})
	return v, err
}

// ChangePassword changes the signed-in user's password after checking the current one,
// and returns the new session version (other sessions end).
func (s *Service) ChangePassword(ctx context.Context, by app.Principal, current, next string) (int64, error) {
	defer s.active.forget(by.UserID)
	u, hash, err := s.st.UserByEmail(ctx, by.Email)
	if err != nil {
		return 0, err
	}
	fe := app.FieldErrors{}
	if ok, _ := s.check(hash, current); !ok {
		fe.Add("current_password", "err.password_wrong")
	}
	newHash, err := s.newPasswordHash(fe, "new_password", next)
	if err != nil {
		return 0, err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, u.ID, newHash); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "user.change_password", Entity: "user", EntityID: u.ID})
	})
	return u.SessionVersion + 1, err
}

// Active returns the user if the account is active and its session version matches.
func (s *Service) Active(ctx context.Context, id string, sessionVersion int64) (*app.User, error) {
	if u, ok := s.active.get(id, sessionVersion, s.now()); ok {
		return u, nil
	}
	u, err := s.st.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.Active || u.SessionVersion != sessionVersion {
		return nil, app.ErrNotFound
	}
	s.active.put(u, s.now())
	return u, nil
}

// activeCache remembers signed-in users checked in the last few seconds, so a page view
// does not read the user and their assignments again. Every change this process makes to
// a user forgets it at once; a change by another process (the CLI) is seen within
// activeTTL.
type activeCache struct {
	mu sync.Mutex
	m  map[string]activeEntry
}

type activeEntry struct {
	u  app.User
	at time.Time
}

const activeTTL = 5 * time.Second

func (c *activeCache) get(id string, sessionVersion int64, now time.Time) (*app.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || e.u.SessionVersion != sessionVersion || now.Sub(e.at) > activeTTL {
		return nil, false
	}
	u := e.u // a copy: callers may not change the cached user
	u.HospitalIDs, u.DepartmentIDs = slices.Clone(u.HospitalIDs), slices.Clone(u.DepartmentIDs)
	return &u, true
}

func (c *activeCache) put(u *app.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[string]activeEntry{}
	}
	cp := *u
	cp.HospitalIDs, cp.DepartmentIDs = slices.Clone(u.HospitalIDs), slices.Clone(u.DepartmentIDs)
	c.m[u.ID] = activeEntry{cp, now}
}

// forget drops a user whose account just changed.
func (c *activeCache) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
