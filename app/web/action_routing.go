package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/actions"
	"px360/views"
)

// routingRoutes registers the routing rules (which user or queue a new action goes to)
// and each hospital's approval chain and due times.
func (s *Server) routingRoutes() {
	s.page("GET /admin/routing", app.PermRoutingManage, s.routingPage)
	s.page("GET /admin/routing/rules/new", app.PermRoutingManage, s.routingRuleNew)
	s.page("POST /admin/routing/rules/new", app.PermRoutingManage, s.routingRuleSave)
	s.page("GET /admin/routing/rules/{id}", app.PermRoutingManage, s.routingRuleEdit)
	s.page("POST /admin/routing/rules/{id}", app.PermRoutingManage, s.routingRuleSave)
	s.page("POST /admin/routing/rules/{id}/move", app.PermRoutingManage, s.routingRuleMove)
	s.page("POST /admin/routing/rules/{id}/delete", app.PermRoutingManage, s.routingRuleDelete)
	s.page("GET /admin/routing/settings/{id}", app.PermRoutingManage, s.actionSettingsEdit)
	s.page("POST /admin/routing/settings/{id}", app.PermRoutingManage, s.actionSettingsSave)
}

func (s *Server) routingPage(w http.ResponseWriter, r *http.Request) {
	ctx, by := r.Context(), principal(r)
	rules, err := s.actions.RoutingRules(ctx, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []string
	for _, x := range rules {
		ids = append(ids, x.ToUserID)
	}
	names := s.actions.UserNames(ctx, by, ids)
	rows := make([]views.RoutingRuleRow, len(rules))
	for i, x := range rules {
		rows[i] = views.RoutingRuleRow{Rule: x, Editable: actions.CanEditRule(by, x), ToUser: nameOr(names, x.ToUserID)}
	}
	fr := s.frame(r)
	var sets []views.RoutingSettingsRow
	for _, h := range fr.Hospitals {
		set, err := s.actions.Settings(ctx, by, h.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sets = append(sets, views.RoutingSettingsRow{Hospital: h, Settings: set})
	}
	deps, _ := s.departmentsByID(r)
	s.render(w, r, http.StatusOK, views.RoutingPage(fr, rows, sets, deps))
}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

func routingRuleValues(x app.RoutingRule) url.Values {
	return url.Values{"hospital": {idString(x.HospitalID)}, "source": {string(x.Source)}, "department": {idString(x.DepartmentID)},
		"category": {x.Category}, "severity": {string(x.Severity)}, "to_user": {x.ToUserID}, "to_role": {string(x.ToRole)},
		"to_department": {idString(x.ToDepartmentID)}, "active": {boolString(x.Active)}}
}

// routingRuleForm renders the rule form (id 0: a new rule) with status.
func (s *Server) routingRuleForm(w http.ResponseWriter, r *http.Request, status int, id int64, form views.Form) {
	fr := s.frame(r)
	_, ds := s.departmentsByID(r)
	s.render(w, r, status, views.RoutingRuleForm(fr, id, form, ds, s.actionAssignees(r, 0, fr.Hospitals), actions.QueueRoles))
}

func (s *Server) routingRuleNew(w http.ResponseWriter, r *http.Request) {
	x := app.RoutingRule{Active: true}
	if hs, _ := s.st.Hospitals(r.Context(), principal(r).Scope); len(hs) == 1 && !principal(r).Scope.All {
		x.HospitalID = hs[0].ID
	}
	s.routingRuleForm(w, r, http.StatusOK, 0, views.Form{Values: routingRuleValues(x)})
}

func (s *Server) routingRuleEdit(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	x, err := s.actions.RoutingRule(r.Context(), by, pathID(r))
	if err == nil && !actions.CanEditRule(by, x) {
		err = app.ErrForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.routingRuleForm(w, r, http.StatusOK, x.ID, views.Form{Values: routingRuleValues(x)})
}

func (s *Server) routingRuleSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if id != 0 {
		if _, err := s.actions.RoutingRule(r.Context(), principal(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	fe := app.FieldErrors{}
	x := app.RoutingRule{ID: id, HospitalID: int64Field(form, "hospital", fe), Source: app.ActionSource(form.Get("source")),
		DepartmentID: int64Field(form, "department", fe), Category: form.Get("category"), Severity: app.Severity(form.Get("severity")),
		ToUserID: form.Get("to_user"), ToRole: app.Role(form.Get("to_role")), ToDepartmentID: int64Field(form, "to_department", fe),
		Active: form.Get("active") != ""}
	err := submit(fe, func() error { _, err := s.actions.SaveRoutingRule(r.Context(), principal(r), x); return err })
	s.afterSave(w, r, err, "/admin/routing", func(errs app.FieldErrors) g.Node {
		fr := s.frame(r)
		_, ds := s.departmentsByID(r)
		return views.RoutingRuleForm(fr, id, views.Form{Values: form, Errors: errs}, ds, s.actionAssignees(r, 0, fr.Hospitals), actions.QueueRoles)
	})
}

// routingRuleMove moves a rule one place up or down (direction=up|down).
func (s *Server) routingRuleMove(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	delta := map[string]int{"up": -1, "down": 1}[form.Get("direction")]
	if _, err := s.actions.RoutingRule(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if delta == 0 {
		s.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if err := s.actions.MoveRoutingRule(r.Context(), principal(r), id, delta); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "routing.flash_moved")
	http.Redirect(w, r, "/admin/routing", http.StatusSeeOther)
}

func (s *Server) routingRuleDelete(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if err := s.actions.DeleteRoutingRule(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "routing.flash_deleted")
	http.Redirect(w, r, "/admin/routing", http.StatusSeeOther)
}

func actionSettingsValues(set app.ActionSettings) url.Values {
	v := url.Values{"fallback_role": {string(set.FallbackRole)}, "due_soon_hours": {strconv.Itoa(set.DueSoonHours)}}
	for i, r := range set.ApprovalRoles {
		v.Set("approval_role_"+strconv.Itoa(i+1), string(r))
	}
	for _, p := range app.Priorities {
		v.Set("due_hours_"+string(p), strconv.Itoa(set.DueHours[p]))
	}
	return v
}

// settingsHospital loads the hospital of a settings page (404 outside the user's hospitals).
func (s *Server) settingsHospital(w http.ResponseWriter, r *http.Request) (app.Hospital, app.ActionSettings, bool) {
	by := principal(r)
	set, err := s.actions.Settings(r.Context(), by, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return app.Hospital{}, set, false
	}
	h, err := s.st.HospitalByID(r.Context(), by.Scope, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return h, set, false
	}
	return h, set, true
}

func (s *Server) actionSettingsEdit(w http.ResponseWriter, r *http.Request) {
	h, set, ok := s.settingsHospital(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, views.ActionSettingsForm(s.frame(r), h, views.Form{Values: actionSettingsValues(set)},
		actions.Approvers, actions.QueueRoles))
}

// wholeHours reads a required whole number of hours (Arabic-Indic digits too).
func wholeHours(v url.Values, name string, fe app.FieldErrors) int {
	s := strings.TrimSpace(digitFolder.Replace(v.Get(name)))
	if s == "" {
		fe.Add(name, "err.required")
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fe.Add(name, "err.number_invalid")
	}
	return n
}

func (s *Server) actionSettingsSave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	h, _, ok := s.settingsHospital(w, r)
	if !ok {
		return
	}
	fe := app.FieldErrors{}
	set := app.ActionSettings{HospitalID: h.ID, FallbackRole: app.Role(form.Get("fallback_role")), DueHours: map[app.Priority]int{}}
	for i := 1; i <= actions.MaxApprovalLevels; i++ {
		if role := form.Get("approval_role_" + strconv.Itoa(i)); role != "" {
			set.ApprovalRoles = append(set.ApprovalRoles, app.Role(role))
		}
	}
	for _, p := range app.Priorities {
		set.DueHours[p] = wholeHours(form, "due_hours_"+string(p), fe)
	}
	set.DueSoonHours = wholeHours(form, "due_soon_hours", fe)
	err := submit(fe, func() error { _, err := s.actions.SaveSettings(r.Context(), principal(r), set); return err })
	s.afterSave(w, r, err, "/admin/routing#settings", func(errs app.FieldErrors) g.Node {
		return views.ActionSettingsForm(s.frame(r), h, views.Form{Values: form, Errors: errs}, actions.Approvers, actions.QueueRoles)
	})
}
