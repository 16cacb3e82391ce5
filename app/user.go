package app

import (
	"slices"
	"time"
)

// User is a staff member who signs in. ID is a UUID.
type User struct {
	ID             string
	Email          string
	Name           string
	Language       string // "en" or "ar"
	ShowHijri      bool   // show Umm al-Qura dates beside Gregorian ones
	Role           Role
	Active         bool
	HospitalIDs    []int64
	DepartmentIDs  []int64
	SessionVersion int64 // bumped to sign out every session of the user
	FailedLogins   int
	LockedUntil    time.Time
	LastLoginAt    time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Scope is the set of hospitals a request may see. All is true for PX admins.
type Scope struct {
	All         bool
	HospitalIDs []int64
}

// Allows reports whether the scope includes hospital id.
func (s Scope) Allows(id int64) bool { return s.All || slices.Contains(s.HospitalIDs, id) }

// Principal is who is acting: a signed-in user, or the system itself (CLI, jobs).
type Principal struct {
	UserID string
	Email  string
	Role   Role
	Scope  Scope
	IP     string
}

// System is the principal of CLI commands and background jobs: it sees everything.
var System = Principal{Email: "system", Role: RolePXAdmin, Scope: Scope{All: true}}

// PrincipalOf returns the principal acting as user u from ip.
func PrincipalOf(u *User, ip string) Principal {
	return Principal{UserID: u.ID, Email: u.Email, Role: u.Role, IP: ip,
		Scope: Scope{All: u.Role == RolePXAdmin, HospitalIDs: slices.Clone(u.HospitalIDs)}}
}

// Can reports whether the principal holds permission perm.
func (p Principal) Can(perm Perm) bool { return p.Role.Can(perm) }

// Languages are the UI languages.
var Languages = []string{"en", "ar"}

// ValidLanguage reports whether l is a UI language.
func ValidLanguage(l string) bool { return slices.Contains(Languages, l) }
