package app

import "slices"

// Role is a user's role. Permissions follow from it; the hospitals a user may see
// follow from the user's hospital assignments (px-admin sees all).
type Role string

const (
	RolePXAdmin           Role = "px-admin"
	RoleHospitalAdmin     Role = "hospital-admin"
	RoleDepartmentManager Role = "department-manager"
	RoleStaff             Role = "staff"
	RoleViewer            Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RolePXAdmin, RoleHospitalAdmin, RoleDepartmentManager, RoleStaff, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Perm is one permission checked on routes and in services.
type Perm string

const (
	PermDashboard      Perm = "dashboard.view"
	PermOrgView        Perm = "org.view"        // hospitals, departments, sections
	PermOrgManage      Perm = "org.manage"      // create and edit departments and sections
	PermHospitalManage Perm = "hospital.manage" // create hospitals (group-wide)
	PermStaffView      Perm = "staff.view"
	PermStaffManage    Perm = "staff.manage"
	PermPatientView    Perm = "patient.view"
	PermPatientManage  Perm = "patient.manage"
	PermUserManage     Perm = "user.manage"
	PermAuditView      Perm = "audit.view"
	PermSystemManage   Perm = "system.manage" // outbox, backups, jobs

	PermComplaintView   Perm = "complaint.view"
	PermComplaintCreate Perm = "complaint.create"
	PermComplaintManage Perm = "complaint.manage" // assign, move through the workflow, merge
	PermTaxonomyManage  Perm = "taxonomy.manage"  // complaint categories and sources
	PermSLAManage       Perm = "sla.manage"       // SLA rules and hospital calendars

	PermNotifyManage Perm = "notify.manage" // notification templates, routes, contact rules, delivery log

	PermSurveyView   Perm = "survey.view"   // survey results and responses
	PermSurveySend   Perm = "survey.send"   // invite patients by hand or from a CSV
	PermSurveyManage Perm = "survey.manage" // templates, ward links, fatigue and exclusion rules

	PermActionView    Perm = "action.view"    // improvement actions and RCAs of the user's hospitals
	PermActionManage  Perm = "action.manage"  // create, assign and cancel actions; RCAs
	PermRoutingManage Perm = "routing.manage" // action routing rules and approval chains

	PermFeedbackView      Perm = "feedback.view"       // feedback and observations of the user's hospitals
	PermFeedbackManage    Perm = "feedback.manage"     // review, classify, answer and resolve feedback and observations
	PermCallCenter        Perm = "callcenter.use"      // record call-center interactions
	PermCallCenterManage  Perm = "callcenter.manage"   // import call records, agent performance
	PermAppreciationSend  Perm = "appreciation.send"   // thank a colleague
	PermAppreciationAdmin Perm = "appreciation.manage" // badges, categories, all appreciations of the hospital
)

var rolePerms = map[Role][]Perm{
	RolePXAdmin: {PermDashboard, PermOrgView, PermOrgManage, PermHospitalManage, PermStaffView,
		PermStaffManage, PermPatientView, PermPatientManage, PermUserManage, PermAuditView, PermSystemManage,
		PermComplaintView, PermComplaintCreate, PermComplaintManage, PermTaxonomyManage, PermSLAManage,
		PermNotifyManage, PermSurveyView, PermSurveySend, PermSurveyManage, PermActionView, PermActionManage, PermRoutingManage,
		PermFeedbackView, PermFeedbackManage, PermCallCenter, PermCallCenterManage, PermAppreciationSend, PermAppreciationAdmin},
	RoleHospitalAdmin: {PermDashboard, PermOrgView, PermOrgManage, PermStaffView, PermStaffManage,
		PermPatientView, PermPatientManage, PermUserManage, PermAuditView,
		PermComplaintView, PermComplaintCreate, PermComplaintManage, PermTaxonomyManage, PermSLAManage, PermNotifyManage,
		PermSurveyView, PermSurveySend, PermSurveyManage, PermActionView, PermActionManage, PermRoutingManage,
		PermFeedbackView, PermFeedbackManage, PermCallCenter, PermCallCenterManage, PermAppreciationSend, PermAppreciationAdmin},
	RoleDepartmentManager: {PermDashboard, PermOrgView, PermStaffView, PermPatientView,
		PermComplaintView, PermComplaintCreate, PermComplaintManage, PermSurveyView, PermSurveySend, PermActionView, PermActionManage,
		PermFeedbackView, PermFeedbackManage, PermCallCenter, PermCallCenterManage, PermAppreciationSend},
	RoleStaff: {PermDashboard, PermOrgView, PermPatientView, PermComplaintView, PermComplaintCreate, PermSurveySend,
		PermActionView, PermFeedbackView, PermCallCenter, PermAppreciationSend},
	RoleViewer: {PermDashboard, PermOrgView, PermComplaintView, PermSurveyView, PermActionView, PermFeedbackView, PermAppreciationSend},
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Perm) bool { return slices.Contains(rolePerms[r], p) }

// Perms returns the permissions of r.
func (r Role) Perms() []Perm { return slices.Clone(rolePerms[r]) }
