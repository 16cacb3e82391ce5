package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/sla"
	"px360/store"
	"px360/views"
)

// slaRoutes registers the SLA rules and hospital calendar admin.
func (s *Server) slaRoutes() {
	s.page("GET /admin/sla", app.PermSLAManage, s.slaRuleList)
	s.page("GET /admin/sla/rules/new", app.PermSLAManage, s.slaRuleNew)
	s.page("POST /admin/sla/rules/new", app.PermSLAManage, s.slaRuleSave)
	s.page("GET /admin/sla/rules/{id}", app.PermSLAManage, s.slaRuleEdit)
	s.page("POST /admin/sla/rules/{id}", app.PermSLAManage, s.slaRuleSave)
	s.page("POST /admin/sla/rules/{id}/deactivate", app.PermSLAManage, s.slaRuleDeactivate)
	s.page("GET /admin/sla/calendars", app.PermSLAManage, s.slaCalendarList)
	s.page("GET /admin/sla/calendars/{id}", app.PermSLAManage, s.slaCalendarEdit)
	s.page("POST /admin/sla/calendars/{id}", app.PermSLAManage, s.slaCalendarSave)
	s.page("POST /admin/sla/calendars/{id}/holidays", app.PermSLAManage, s.slaHolidayAdd)
	s.page("POST /admin/sla/calendars/{id}/holidays/remove", app.PermSLAManage, s.slaHolidayRemove)
	s.api("GET /api/v1/sla/rules", app.PermSLAManage, s.apiSLARules)
}

// slaService is the shared SLA service (its rule and calendar cache is shared with the
// complaint service, so a saved rule applies to the next complaint at once).
func (s *Server) slaService() *sla.Service { return s.cfg.SLA }

func slaRow(by app.Principal, r store.SLARuleRecord) views.SLARuleRow {
	return views.SLARuleRow{Rule: r.SLARule, Active: r.Active, Editable: sla.CanEdit(by, r)}
}

func (s *Server) slaRuleList(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	recs, err := s.slaService().Rules(r.Context(), by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]views.SLARuleRow, len(recs))
	for i, x := range recs {
		rows[i] = slaRow(by, x)
	}
	s.render(w, r, http.StatusOK, views.SLARuleList(s.frame(r), rows))
}

// hoursString writes hours without trailing zeros: "72", "0.5".
func hoursString(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

func slaRuleValues(r store.SLARuleRecord) url.Values {
	mode := "calendar"
	if r.BusinessHours {
		mode = "business"
	}
	v := url.Values{"hospital_id": {idString(r.HospitalID)}, "source_code": {r.SourceCode}, "severity": {string(r.Severity)},
		"priority": {string(r.Priority)}, "hours": {hoursString(r.Hours)}, "mode": {mode},
		"reminder1_hours": {hoursString(r.Reminder1Hours)}, "reminder2_hours": {hoursString(r.Reminder2Hours)},
		"active": {boolString(r.Active)}}
	for i, e := range r.Escalations {
		n := strconv.Itoa(i + 1)
		v.Set("escalation_level_"+n, string(e.Level))
		v.Set("escalation_hours_"+n, hoursString(e.HoursAfterBreach))
	}
	return v
}

func (s *Server) slaRuleNew(w http.ResponseWriter, r *http.Request) {
	def := store.SLARuleRecord{SLARule: app.DefaultSLARule(), Active: true}
	s.render(w, r, http.StatusOK, views.SLARuleForm(s.frame(r), 0, views.Form{Values: slaRuleValues(def)}, views.SLARuleRow{Editable: true}))
}

func (s *Server) slaRuleEdit(w http.ResponseWriter, r *http.Request) {
	by := principal(r)
	x, err := s.slaService().Rule(r.Context(), by, pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SLARuleForm(s.frame(r), x.ID, views.Form{Values: slaRuleValues(x)}, slaRow(by, x)))
}

// digitFolder turns Arabic-Indic and Persian digits and the Arabic decimal separator
// into ASCII, so numbers typed on an Arabic keyboard parse.
var digitFolder = strings.NewReplacer("٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9",
	"۰", "0", "۱", "1", "۲", "2", "۳", "3", "۴", "4", "۵", "5", "۶", "6", "۷", "7", "۸", "8", "۹", "9", "٫", ".")

// hoursField reads a number of hours; empty is 0, or a field error when required.
func hoursField(v url.Values, name string, fe app.FieldErrors, required bool) float64 {
	s := strings.TrimSpace(digitFolder.Replace(v.Get(name)))
	if s == "" {
		if required {
			fe.Add(name, "err.required")
		}
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		fe.Add(name, "err.number_invalid")
		return 0
	}
	return f
}

// slaRuleForm reads the rule form. Escalation rows left empty are skipped; rows[i] is the
// form row (1-based) of the rule's i-th step, to put the service's errors back on it.
func slaRuleForm(form url.Values, id int64, fe app.FieldErrors) (x store.SLARuleRecord, rows []int) {
	x.ID = id
	x.HospitalID = int64Field(form, "hospital_id", fe)
	x.SourceCode = form.Get("source_code")
	x.Severity, x.Priority = app.Severity(form.Get("severity")), app.Priority(form.Get("priority"))
	x.Hours = hoursField(form, "hours", fe, true)
	switch form.Get("mode") {
	case "calendar":
	case "business":
		x.BusinessHours = true
	default:
		fe.Add("mode", "err.choose_option")
	}
	x.Reminder1Hours = hoursField(form, "reminder1_hours", fe, false)
	x.Reminder2Hours = hoursField(form, "reminder2_hours", fe, false)
	x.Active = form.Get("active") != ""
	for i := 1; i <= views.SLAEscalationRows; i++ {
		n := strconv.Itoa(i)
		level, hours := form.Get("escalation_level_"+n), strings.TrimSpace(form.Get("escalation_hours_"+n))
		if level == "" && hours == "" {
			continue
		}
		if level == "" {
			fe.Add("escalation_level_"+n, "err.sla_escalation_level")
		}
		x.Escalations = append(x.Escalations, app.EscalationStep{Level: app.EscalationLevel(level),
			HoursAfterBreach: hoursField(form, "escalation_hours_"+n, fe, true)})
		rows = append(rows, i)
	}
	return x, rows
}

// renumberSteps moves the service's escalation errors (named by step) onto the form rows
// the steps came from.
func renumberSteps(err error, rows []int) error {
	fields := app.Fields(err)
	if fields == nil {
		return err
	}
	out := app.FieldErrors{}
	for k, msg := range fields {
		for _, prefix := range []string{"escalation_level_", "escalation_hours_"} {
			if n, ok := strings.CutPrefix(k, prefix); ok {
				if i, err := strconv.Atoi(n); err == nil && i >= 1 && i <= len(rows) {
					k = prefix + strconv.Itoa(rows[i-1])
				}
			}
		}
		out[k] = msg
	}
	return &app.Error{Code: app.ErrorCode(err), Message: app.ErrorMessage(err), Fields: out}
}

func (s *Server) slaRuleSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	by, svc := principal(r), s.slaService()
	row := views.SLARuleRow{Editable: true, Active: true}
	if id != 0 {
		before, err := svc.Rule(r.Context(), by, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row = slaRow(by, before)
	}
	fe := app.FieldErrors{}
	x, rows := slaRuleForm(form, id, fe)
	err := submit(fe, func() error { _, err := svc.SaveRule(r.Context(), by, x); return renumberSteps(err, rows) })
	s.afterSave(w, r, err, "/admin/sla", func(errs app.FieldErrors) g.Node {
		return views.SLARuleForm(s.frame(r), id, views.Form{Values: form, Errors: errs}, row)
	})
}

func (s *Server) slaRuleDeactivate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	if err := s.slaService().DeactivateRule(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "sla.flash.deactivated")
	http.Redirect(w, r, "/admin/sla", http.StatusSeeOther)
}

// thisYear is the current year in the hospital's time zone.
func (s *Server) thisYear(c app.Calendar) int {
	if c.Location == nil {
		return s.st.Now().Add(3 * time.Hour).Year() // nil counts as Asia/Riyadh, UTC+3
	}
	return s.st.Now().In(c.Location).Year()
}

func (s *Server) slaCalendarList(w http.ResponseWriter, r *http.Request) {
	cals, err := s.slaService().Calendars(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]views.SLACalendar, len(cals))
	for i, c := range cals {
		out[i] = views.SLACalendar(c)
	}
	s.render(w, r, http.StatusOK, views.SLACalendarList(s.frame(r), out, s.st.Now().Year()))
}

func calendarValues(c app.Calendar) url.Values {
	v := url.Values{"open": {views.ClockText(c.Open)}, "close": {views.ClockText(c.Close)}}
	for _, d := range c.Weekend {
		v.Add("weekend", strconv.Itoa(int(d)))
	}
	return v
}

// slaCalendarPage renders a hospital's calendar page for year with the two forms' states.
func (s *Server) slaCalendarPage(w http.ResponseWriter, r *http.Request, status int, c sla.HospitalCalendar, year int, form, holidayForm views.Form) {
	if form.Values == nil {
		form.Values = calendarValues(c.Calendar)
	}
	if holidayForm.Values == nil {
		holidayForm.Values = url.Values{}
	}
	hs, err := s.slaService().Holidays(r.Context(), principal(r), c.Hospital.ID, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.SLACalendarPage(s.frame(r), views.SLACalendar(c), form, hs, year, holidayForm))
}

func (s *Server) slaCalendarEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.slaService().CalendarOf(r.Context(), principal(r), pathID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := s.thisYear(c.Calendar)
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y <= 9999 {
		year = y
	}
	s.slaCalendarPage(w, r, http.StatusOK, c, year, views.Form{}, views.Form{})
}

// parseClock reads a time of day "HH:MM" (or "HH:MM:00", as some browsers send) as an
// offset from midnight; "24:00" is the end of the day.
func parseClock(v string) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(digitFolder.Replace(v)), ":")
	if len(parts) < 2 || len(parts) > 3 || (len(parts) == 3 && parts[2] != "00") || len(parts[0]) > 2 || len(parts[1]) != 2 {
		return 0, false
	}
	hours, err1 := strconv.Atoi(parts[0])
	mins, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || hours < 0 || mins < 0 || mins > 59 || hours > 24 || (hours == 24 && mins != 0) {
		return 0, false
	}
	return time.Duration(hours)*time.Hour + time.Duration(mins)*time.Minute, true
}

func clockField(form url.Values, name string, fe app.FieldErrors) time.Duration {
	if strings.TrimSpace(form.Get(name)) == "" {
		fe.Add(name, "err.required")
		return 0
	}
	d, ok := parseClock(form.Get(name))
	if !ok {
		fe.Add(name, "err.sla_time_invalid")
	}
	return d
}

func (s *Server) slaCalendarSave(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	by, svc := principal(r), s.slaService()
	c, err := svc.CalendarOf(r.Context(), by, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fe := app.FieldErrors{}
	cal := app.Calendar{Weekend: []time.Weekday{}}
	for _, d := range form["weekend"] {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			fe.Add("weekend", "err.choose_option")
			continue
		}
		if !slices.Contains(cal.Weekend, time.Weekday(n)) {
			cal.Weekend = append(cal.Weekend, time.Weekday(n))
		}
	}
	cal.Open, cal.Close = clockField(form, "open", fe), clockField(form, "close", fe)
	err = submit(fe, func() error { _, err := svc.SaveCalendar(r.Context(), by, id, cal); return err })
	switch {
	case formError(err):
		s.slaCalendarPage(w, r, http.StatusUnprocessableEntity, c, s.thisYear(c.Calendar), views.Form{Values: form, Errors: app.Fields(err)}, views.Form{})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/admin/sla/calendars/"+idString(id), http.StatusSeeOther)
	}
}

func (s *Server) slaHolidayAdd(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	by, svc := principal(r), s.slaService()
	c, err := svc.CalendarOf(r.Context(), by, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := sla.HolidayInput{From: form.Get("from"), To: form.Get("to"), NameEN: form.Get("name_en"), NameAR: form.Get("name_ar")}
	_, err = svc.AddHolidays(r.Context(), by, id, in)
	year := s.thisYear(c.Calendar)
	if from, perr := time.Parse("2006-01-02", strings.TrimSpace(in.From)); perr == nil {
		year = from.Year()
	}
	if formError(err) {
		s.slaCalendarPage(w, r, http.StatusUnprocessableEntity, c, year, views.Form{}, views.Form{Values: form, Errors: app.Fields(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "sla.flash.holidays_added")
	http.Redirect(w, r, "/admin/sla/calendars/"+idString(id)+"?year="+strconv.Itoa(year), http.StatusSeeOther)
}

func (s *Server) slaHolidayRemove(w http.ResponseWriter, r *http.Request) {
	form, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	day := strings.TrimSpace(form.Get("day"))
	if err := s.slaService().RemoveHoliday(r.Context(), principal(r), id, day); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "sla.flash.holiday_removed")
	back := "/admin/sla/calendars/" + idString(id)
	if d, err := time.Parse("2006-01-02", day); err == nil {
		back += "?year=" + strconv.Itoa(d.Year())
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// The API shape of a rule: HospitalID 0 and empty selectors mean "any".
type (
	apiSLARule struct {
		ID             int64           `json:"id"`
		HospitalID     int64           `json:"hospital_id"`
		SourceCode     string          `json:"source_code"`
		Severity       string          `json:"severity"`
		Priority       string          `json:"priority"`
		Hours          float64         `json:"hours"`
		BusinessHours  bool            `json:"business_hours"`
		Reminder1Hours float64         `json:"reminder1_hours"`
		Reminder2Hours float64         `json:"reminder2_hours"`
		Escalations    []apiEscalation `json:"escalations"`
		Active         bool            `json:"active"`
	}
	apiEscalation struct {
		Level            string  `json:"level"`
		HoursAfterBreach float64 `json:"hours_after_breach"`
	}
)

func (s *Server) apiSLARules(w http.ResponseWriter, r *http.Request) {
	recs, err := s.slaService().Rules(r.Context(), principal(r))
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	out := make([]apiSLARule, 0, len(recs))
	for _, x := range recs {
		esc := make([]apiEscalation, 0, len(x.Escalations))
		for _, e := range x.Escalations {
			esc = append(esc, apiEscalation{string(e.Level), e.HoursAfterBreach})
		}
		out = append(out, apiSLARule{x.ID, x.HospitalID, x.SourceCode, string(x.Severity), string(x.Priority), x.Hours,
			x.BusinessHours, x.Reminder1Hours, x.Reminder2Hours, esc, x.Active})
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
