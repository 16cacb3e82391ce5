// Package web is PX360's HTTP face: the router (stdlib ServeMux patterns), the middleware
// chain (request id, access log, panic recovery, security headers, cross-origin
// protection, sessions, authentication, RBAC), the staff pages, the public pages and the
// JSON API under /api/v1. Every route is registered with the permission it needs, and
// the registry is what the RBAC test walks.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/accounts"
	"px360/app/actions"
	"px360/app/analysis"
	"px360/app/backups"
	"px360/app/callcenter"
	"px360/app/complaints"
	"px360/app/feedback"
	"px360/app/his"
	"px360/app/notify"
	"px360/app/orgs"
	"px360/app/sla"
	"px360/app/surveys"
	"px360/app/taxonomy"
	"px360/assets"
	"px360/store"
)

// Searcher is the people search the top bar and the API use.
type Searcher interface {
	People(ctx context.Context, scope app.Scope, kind, q string, limit int) ([]app.SearchHit, error)
	Status() string
}

// Config is everything the web layer needs.
type Config struct {
	Store           *store.Store
	Accounts        *accounts.Service
	Orgs            *orgs.Service
	Complaints      *complaints.Service
	Taxonomy        *taxonomy.Service // nil: built from Store (it holds no state)
	SLA             *sla.Service
	Duplicates      *complaints.Duplicates
	ComplaintSearch ComplaintSearcher
	Backups         *backups.Service
	Notify          *notify.Service
	Surveys         *surveys.Service
	HIS             *his.Service
	Actions         *actions.Service
	Feedback        *feedback.Service
	CallCenter      *callcenter.Service
	Analysis        *analysis.Service
	Search          Searcher
	Assets          *assets.Assets
	Log             *slog.Logger
	Version         string
	DataDir         string
	SecureCookies   bool       // set when served over HTTPS (behind a TLS proxy)
	LoginRate       rate.Limit // sign-in attempts per second per IP (default 10/min)
	LoginBurst      int
}

// Server holds the handler and its route registry.
type Server struct {
	cfg      Config
	st       *store.Store
	accounts *accounts.Service
	orgs     *orgs.Service
	compl    *complaints.Service
	tax      *taxonomy.Service
	notify   *notify.Service
	surveys  *surveys.Service
	his      *his.Service
	actions  *actions.Service
	feedback *feedback.Service
	calls    *callcenter.Service
	analysis *analysis.Service
	log      *slog.Logger
	sessions *scs.SessionManager
	limiter  *ipLimiter // sign-in, API tokens and reset links
	// publicLimiter guards the patients' pages (complaint form, tracking) apart from
	// sign-in, so patients checking codes can never lock staff out.
	publicLimiter *ipLimiter
	mux           *http.ServeMux
	routes        []Route
	handler       http.Handler
	setup         setupState // whether the first-run wizard is over
}

// Access says who may call a route.
type Access int

const (
	Public Access = iota // anyone (sign-in page, health, assets)
	Staff                // a signed-in user holding Perm (any user when Perm is "")
	API                  // a bearer token (or a session) holding Perm
)

// Route is one registered route, for the RBAC test and the docs.
type Route struct {
	Method, Path string
	Access       Access
	Perm         app.Perm
}

// New builds the server and registers every route.
func New(cfg Config) *Server {
	if cfg.LoginRate == 0 {
		cfg.LoginRate, cfg.LoginBurst = rate.Every(6*time.Second), 10
	}
	sm := scs.New()
	sm.Store = cfg.Store.Sessions()
	sm.Lifetime = 12 * time.Hour // a shift; the idle limit is enforced in identify (see idleLimit)
	sm.Cookie.Name = "px360_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Path = "/"
	s := &Server{cfg: cfg, st: cfg.Store, accounts: cfg.Accounts, orgs: cfg.Orgs, compl: cfg.Complaints, notify: cfg.Notify, surveys: cfg.Surveys, his: cfg.HIS, actions: cfg.Actions, feedback: cfg.Feedback, calls: cfg.CallCenter, analysis: cfg.Analysis, log: cfg.Log,
		sessions: sm, limiter: newIPLimiter(cfg.LoginRate, cfg.LoginBurst),
		publicLimiter: newIPLimiter(cfg.LoginRate, cfg.LoginBurst), mux: http.NewServeMux()}
	if s.tax = cfg.Taxonomy; s.tax == nil {
		s.tax = taxonomy.New(cfg.Store)
	}
	s.registerRoutes()
	s.handler = s.middleware(s.mux)
	return s
}

// Handler is the complete HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes lists every registered route.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) registerRoutes() {
	s.public("GET /healthz", s.health)
	s.mux.Handle("GET /assets/", s.cfg.Assets.Handler())
	s.public("GET /login", s.loginPage)
	s.public("POST /login", s.login)
	s.public("POST /logout", s.logout)
	s.public("POST /language", s.setLanguage)
	s.public("GET /password/reset/{token}", s.resetPage)
	s.public("POST /password/reset/{token}", s.resetPassword)

	s.page("GET /{$}", app.PermDashboard, s.home)
	s.page("GET /account", "", s.accountPage)
	s.page("GET /search", app.PermStaffView, s.searchPage)
	s.page("POST /account/password", "", s.changePassword)
	s.page("POST /account/preferences", "", s.savePreferences)
	s.page("POST /account/sessions/revoke", "", s.signOutOthers)

	s.page("GET /admin/hospitals", app.PermOrgView, s.hospitalList)
	s.page("GET /admin/hospitals/new", app.PermHospitalManage, s.hospitalNew)
	s.page("POST /admin/hospitals", app.PermHospitalManage, s.hospitalSave)
	s.page("GET /admin/hospitals/{id}", app.PermHospitalManage, s.hospitalEdit)
	s.page("POST /admin/hospitals/{id}", app.PermHospitalManage, s.hospitalSave)

	s.page("GET /admin/departments", app.PermOrgView, s.departmentList)
	s.page("GET /admin/departments/new", app.PermOrgManage, s.departmentNew)
	s.page("POST /admin/departments", app.PermOrgManage, s.departmentSave)
	s.page("GET /admin/departments/{id}", app.PermOrgView, s.departmentEdit)
	s.page("POST /admin/departments/{id}", app.PermOrgManage, s.departmentSave)

	s.page("GET /admin/sections", app.PermOrgView, s.sectionList)
	s.page("GET /admin/sections/new", app.PermOrgManage, s.sectionNew)
	s.page("POST /admin/sections", app.PermOrgManage, s.sectionSave)
	s.page("GET /admin/sections/{id}", app.PermOrgView, s.sectionEdit)
	s.page("POST /admin/sections/{id}", app.PermOrgManage, s.sectionSave)

	s.page("GET /admin/staff", app.PermStaffView, s.staffList)
	s.page("GET /admin/staff/export.csv", app.PermStaffManage, s.staffExport)
	s.page("GET /admin/staff/new", app.PermStaffManage, s.staffNew)
	s.page("POST /admin/staff", app.PermStaffManage, s.staffSave)
	s.page("GET /admin/staff/{id}", app.PermStaffView, s.staffEdit)
	s.page("POST /admin/staff/{id}", app.PermStaffManage, s.staffSave)

	s.page("GET /admin/patients", app.PermPatientView, s.patientList)
	s.page("GET /admin/patients/export.csv", app.PermPatientManage, s.patientExport)
	s.page("GET /admin/patients/new", app.PermPatientManage, s.patientNew)
	s.page("POST /admin/patients", app.PermPatientManage, s.patientSave)
	s.page("GET /admin/patients/{id}", app.PermPatientView, s.patientEdit)
	s.page("POST /admin/patients/{id}", app.PermPatientManage, s.patientSave)

	s.page("GET /admin/import", app.PermStaffManage, s.importPage)
	s.page("POST /admin/import", app.PermStaffManage, s.importUpload)

	s.page("GET /admin/users", app.PermUserManage, s.userList)
	s.page("GET /admin/users/new", app.PermUserManage, s.userNew)
	s.page("POST /admin/users", app.PermUserManage, s.userSave)
	s.page("GET /admin/users/{id}", app.PermUserManage, s.userEdit)
	s.page("POST /admin/users/{id}", app.PermUserManage, s.userSave)
	s.page("POST /admin/users/{id}/reset-link", app.PermUserManage, s.userResetLink)

	s.page("GET /admin/audit", app.PermAuditView, s.auditList)
	s.page("GET /admin/system", app.PermSystemManage, s.systemPage)
	s.page("POST /admin/system/outbox/{id}/retry", app.PermSystemManage, s.outboxRetry)
	s.page("POST /admin/system/backup", app.PermSystemManage, s.backupNow)

	s.taxonomyRoutes()
	s.slaRoutes()
	s.complaintRoutes()
	s.notifyRoutes()
	s.surveyRoutes()
	s.surveyPublicRoutes()
	s.hisRoutes()
	s.actionRoutes()
	s.feedbackRoutes()
	s.callCenterRoutes()
	s.analysisRoutes()
	s.setupRoutes()

	s.public("POST /api/v1/auth/token", s.apiToken)
	s.api("GET /api/v1/me", "", s.apiMe)
	s.api("GET /api/v1/hospitals", app.PermOrgView, s.apiHospitals)
	s.api("GET /api/v1/departments", app.PermOrgView, s.apiDepartments)
	s.api("POST /api/v1/departments", app.PermOrgManage, s.apiDepartmentSave)
	s.api("GET /api/v1/departments/{id}", app.PermOrgView, s.apiDepartment)
	s.api("PUT /api/v1/departments/{id}", app.PermOrgManage, s.apiDepartmentSave)
	s.api("GET /api/v1/staff", app.PermStaffView, s.apiStaffList)
	s.api("POST /api/v1/staff", app.PermStaffManage, s.apiStaffSave)
	s.api("GET /api/v1/staff/{id}", app.PermStaffView, s.apiStaff)
	s.api("PUT /api/v1/staff/{id}", app.PermStaffManage, s.apiStaffSave)
	s.api("GET /api/v1/patients", app.PermPatientView, s.apiPatients)
	s.api("POST /api/v1/patients", app.PermPatientManage, s.apiPatientSave)
	s.api("GET /api/v1/patients/{id}", app.PermPatientView, s.apiPatient)
	s.api("PUT /api/v1/patients/{id}", app.PermPatientManage, s.apiPatientSave)
	s.api("GET /api/v1/search", app.PermStaffView, s.apiSearch)

	s.public("/", s.notFound)
}
