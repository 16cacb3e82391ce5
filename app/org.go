package app

import "time"

// Organization is the hospital group at the top of the hierarchy.
type Organization struct {
	ID     int64
	NameEN string
	NameAR string
}

// Hospital is one facility. Code is short and unique (used in CSV imports and the CLI).
type Hospital struct {
	ID             int64
	OrganizationID int64
	Code           string
	NameEN         string
	NameAR         string
	TimeZone       string // IANA name, default Asia/Riyadh
	Active         bool
}

// Zone is the hospital's time zone (Riyadh when its name does not load).
func (h Hospital) Zone() *time.Location {
	if l, err := Location(h.TimeZone); err == nil {
		return l
	}
	return Riyadh()
}

// DepartmentCategory classifies departments as the reference does.
type DepartmentCategory string

const (
	DeptNursing    DepartmentCategory = "nursing"
	DeptMedical    DepartmentCategory = "medical"
	DeptNonMedical DepartmentCategory = "non-medical"
	DeptSupport    DepartmentCategory = "support"
)

// DepartmentCategories lists every department category.
var DepartmentCategories = []DepartmentCategory{DeptNursing, DeptMedical, DeptNonMedical, DeptSupport}

// Department belongs to one hospital.
type Department struct {
	ID         int64
	HospitalID int64
	Code       string
	NameEN     string
	NameAR     string
	Category   DepartmentCategory
	Active     bool
}

// Section is a physical or organisational part of a department (a ward, a clinic).
type Section struct {
	ID           int64
	HospitalID   int64
	DepartmentID int64
	NameEN       string
	NameAR       string
	Active       bool
}

// StaffKind is the professional group of a staff member.
type StaffKind string

const (
	StaffPhysician StaffKind = "physician"
	StaffNurse     StaffKind = "nurse"
	StaffAdmin     StaffKind = "admin"
	StaffOther     StaffKind = "other"
)

// StaffKinds lists every staff kind.
var StaffKinds = []StaffKind{StaffPhysician, StaffNurse, StaffAdmin, StaffOther}

// Staff is a hospital employee (who may or may not have a user account).
type Staff struct {
	ID           int64
	HospitalID   int64
	DepartmentID int64 // 0 when none
	SectionID    int64 // 0 when none
	EmployeeNo   string
	NameEN       string
	NameAR       string
	Kind         StaffKind
	JobTitle     string
	ReportsTo    int64 // staff id, 0 when none
	Email        string
	Phone        string
	Active       bool
}

// Patient is a person cared for by a hospital. MRN is unique per hospital. The national
// ID is only ever stored encrypted; NationalID is filled in memory when decrypted.
type Patient struct {
	ID         int64
	HospitalID int64
	MRN        string
	NameEN     string
	NameAR     string
	NationalID string
	Phone      string
	Email      string
	Language   string
	BirthDate  time.Time // zero when unknown
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Name returns the name in lang, falling back to the other language.
func Name(lang, en, ar string) string {
	if lang == "ar" && ar != "" {
		return ar
	}
	if en == "" {
		return ar
	}
	return en
}
