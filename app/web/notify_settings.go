package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/notify"
	"px360/views"
)

// notifyHospitalPick opens the settings of ?id=ID (the hospital picker's choice), else
// of the user's first hospital.
func (s *Server) notifyHospitalPick(w http.ResponseWriter, r *http.Request) {
	if id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64); err == nil && id > 0 {
		http.Redirect(w, r, "/admin/notifications/hospitals/"+idString(id), http.StatusSeeOther)
		return
	}
	hs, err := s.st.Hospitals(r.Context(), principal(r).Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(hs) == 0 {
		s.notFound(w, r)
		return
	}
	http.Redirect(w, r, "/admin/notifications/hospitals/"+idString(hs[0].ID), http.StatusSeeOther)
}

// hospitalSettingsValues are a hospital's channels and contact rules as form values.
func hospitalSettingsValues(routes map[app.NotificationKey][]app.Channel, rules app.ContactRules) url.Values {
	v := url.Values{
		"quiet_start": {views.ClockText(time.Duration(rules.QuietStart) * time.Minute)},
		"quiet_end":   {views.ClockText(time.Duration(rules.QuietEnd) * time.Minute)},
		"cap_count":   {strconv.Itoa(rules.CapCount)},
		"cap_hours":   {strconv.Itoa(rules.CapHours)},
	}
	for key, chans := range routes {
		for _, c := range chans {
			v.Add("route."+string(key), string(c))
		}
	}
	return v
}

// hospitalSettingsForm reads the channel checkboxes (kept in the order the channels are
// tried) and the contact rules.
func hospitalSettingsForm(form url.Values, hospitalID int64, fe app.FieldErrors) (map[app.NotificationKey][]app.Channel, app.ContactRules) {
	routes := map[app.NotificationKey][]app.Channel{}
	for _, k := range views.NotifyKinds() {
		allowed := views.NotifyChannels(k)
		chans := []app.Channel{}
		for _, c := range allowed {
			if slices.Contains(form["route."+string(k.Key)], string(c)) {
				chans = append(chans, c)
			}
		}
		for _, v := range form["route."+string(k.Key)] {
			if !slices.Contains(allowed, app.Channel(v)) {
				fe.Add(string(k.Key), "err.choose_option")
			}
		}
		routes[k.Key] = chans
	}
	minutes := func(name string) int {
		raw := strings.TrimSpace(form.Get(name))
		if raw == "" {
			fe.Add(name, "err.required")
			return 0
		}
		d, ok := parseClock(raw)
		if !ok || d >= 24*time.Hour {
			fe.Add(name, "err.time_invalid")
			return 0
		}
		return int(d / time.Minute)
	}
	number := func(name string) int {
		raw := strings.TrimSpace(digitFolder.Replace(form.Get(name)))
		if raw == "" {
			fe.Add(name, "err.required")
			return 0
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			fe.Add(name, "err.number_invalid")
		}
		return n
	}
	rules := app.ContactRules{HospitalID: hospitalID, QuietStart: minutes("quiet_start"), QuietEnd: minutes("quiet_end"),
		CapCount: number("cap_count"), CapHours: number("cap_hours")}
	return routes, rules
}

// hospitalSettingsTarget checks the user may manage hospital {id} and that it exists;
// ok is false when the request has been answered.
func (s *Server) hospitalSettingsTarget(w http.ResponseWriter, r *http.Request) (int64, map[app.NotificationKey][]app.Channel, bool) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return 0, nil, false
	}
	routes, err := s.notify.Routes(r.Context(), principal(r), id)
	if err == nil {
		_, err = s.st.HospitalByID(r.Context(), app.Scope{All: true}, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, nil, false
	}
	return id, routes, true
}

func (s *Server) notifyHospital(w http.ResponseWriter, r *http.Request) {
	id, routes, ok := s.hospitalSettingsTarget(w, r)
	if !ok {
		return
	}
	rules, err := s.notify.Rules(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.NotifyHospitalSettings(s.frame(r), id, views.Form{Values: hospitalSettingsValues(routes, rules)}))
}

// notifyHospitalSave saves the channels and the contact rules together: bad input in
// either saves neither.
func (s *Server) notifyHospitalSave(w http.ResponseWriter, r *http.Request) {
	id, _, ok := s.hospitalSettingsTarget(w, r)
	if !ok {
		return
	}
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	by := principal(r)
	fe := app.FieldErrors{}
	routes, rules := hospitalSettingsForm(form, id, fe)
	err := submit(fe, func() error {
		if err := s.notify.SaveRules(r.Context(), by, rules); err != nil {
			return err
		}
		return s.notify.SaveRoutes(r.Context(), by, id, routes)
	})
	s.afterSave(w, r, err, "/admin/notifications/hospitals/"+idString(id), func(errs app.FieldErrors) g.Node {
		return views.NotifyHospitalSettings(s.frame(r), id, views.Form{Values: form, Errors: errs})
	})
}

// providerRows lists the provider of every outbound channel.
func (s *Server) providerRows(r *http.Request) ([]views.NotifyProviderRow, error) {
	var rows []views.NotifyProviderRow
	for _, ch := range app.OutboundChannels {
		pf, err := s.notify.Provider(r.Context(), principal(r), ch)
		if err != nil {
			return nil, err
		}
		rows = append(rows, views.NotifyProviderRow{Channel: ch, Kind: pf.Kind, Enabled: pf.Enabled, Configured: pf.Configured})
	}
	return rows, nil
}

func (s *Server) notifyProvidersPage(w http.ResponseWriter, r *http.Request, status int, form views.Form) {
	rows, err := s.providerRows(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.NotifyProviderList(s.frame(r), rows, s.notify.PublicURL(r.Context()), form))
}

func (s *Server) notifyProviders(w http.ResponseWriter, r *http.Request) {
	s.notifyProvidersPage(w, r, http.StatusOK, views.Form{})
}

func (s *Server) notifyPublicURL(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	err := s.notify.SetPublicURL(r.Context(), principal(r), form.Get("public_url"))
	switch {
	case formError(err):
		s.notifyProvidersPage(w, r, http.StatusUnprocessableEntity, views.Form{Values: form, Errors: app.Fields(err)})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/admin/notifications/providers", http.StatusSeeOther)
	}
}

// providerState is what a provider page shows besides the saved settings.
type providerState struct {
	kind          string     // the kind whose form to show ("" for the saved one)
	form          views.Form // the user's input and errors (nil values: the saved settings)
	settingsError string
	test          views.Form
	testError     string
	testSent      *app.Message
}

// providerPage renders a channel's provider form for st.kind with the test form.
// Secrets never reach the page: saved ones show as a masked placeholder, typed ones are
// dropped from the re-rendered form.
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request, status int, ch app.Channel, st providerState) {
	ctx := r.Context()
	pf, err := s.notify.Provider(ctx, principal(r), ch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := views.NotifyProviderPage{Channel: ch, Kind: st.kind, Kinds: app.ProviderKinds[ch], Form: st.form,
		SettingsError: st.settingsError, Test: st.test, TestError: st.testError, TestSent: st.testSent}
	if !slices.Contains(p.Kinds, p.Kind) {
		p.Kind = pf.Kind
	}
	if pf.Configured {
		p.SavedKind, p.Enabled = pf.Kind, pf.Enabled
	}
	saved := pf.Configured && p.Kind == pf.Kind
	if p.Form.Values == nil {
		p.Form.Values = url.Values{}
		if saved {
			for k, v := range pf.Values {
				if !pf.SecretSet[k] {
					p.Form.Values.Set(k, v)
				}
			}
		}
		if !saved || pf.Enabled { // a new provider starts switched on
			p.Form.Values.Set("enabled", "1")
		}
	}
	for _, f := range notify.ProviderFields[p.Kind] {
		pfld := views.NotifyProviderField{Name: f.Name, Type: f.Type, Options: f.Options, Secret: f.Secret, Needed: f.Needed}
		if f.Secret {
			p.Form.Values.Del(f.Name)
			if saved && pf.SecretSet[f.Name] {
				pfld.Set, pfld.Masked = true, pf.Values[f.Name]
			}
		}
		p.Fields = append(p.Fields, pfld)
	}
	if p.Test.Values == nil {
		p.Test.Values = url.Values{}
	}
	base := s.notify.PublicURL(ctx)
	switch {
	case ch == app.ChannelSMS && p.Kind == app.ProviderTwilio:
		p.Webhooks = []views.NotifyWebhook{{Label: "notify.webhook.twilio_status", URL: base + notify.TwilioStatusPath},
			{Label: "notify.webhook.twilio_inbound", URL: base + notify.TwilioInboundPath}}
	case ch == app.ChannelWhatsApp:
		p.Webhooks = []views.NotifyWebhook{{Label: "notify.webhook.whatsapp", URL: base + notify.WhatsAppPath}}
	}
	s.render(w, r, status, views.NotifyProvider(s.frame(r), p))
}

// providerChannel reads {channel}: one of the outbound channels, else 404.
func (s *Server) providerChannel(w http.ResponseWriter, r *http.Request) (app.Channel, bool) {
	ch := app.Channel(r.PathValue("channel"))
	if _, ok := app.ProviderKinds[ch]; !ok {
		s.notFound(w, r)
		return "", false
	}
	return ch, true
}

func (s *Server) notifyProvider(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.providerChannel(w, r)
	if !ok {
		return
	}
	st := providerState{kind: r.URL.Query().Get("kind")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("test"), 10, 64); err == nil && id > 0 {
		// After a test message: show what the provider answered.
		if m, _, err := s.notify.Message(r.Context(), principal(r), id); err == nil && m.Key == app.NotifyTest && m.Channel == ch {
			st.testSent = &m
		}
	}
	s.providerPage(w, r, http.StatusOK, ch, st)
}

func (s *Server) notifyProviderSave(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.providerChannel(w, r)
	if !ok {
		return
	}
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	kind := form.Get("kind")
	values := map[string]string{}
	for _, f := range notify.ProviderFields[kind] {
		values[f.Name] = form.Get(f.Name)
	}
	err := s.notify.SaveProvider(r.Context(), principal(r), ch, kind, form.Get("enabled") != "", values)
	var se *notify.SettingsError
	switch {
	case formError(err):
		s.providerPage(w, r, http.StatusUnprocessableEntity, ch, providerState{kind: kind, form: views.Form{Values: form, Errors: app.Fields(err)}})
	case errors.As(err, &se):
		s.providerPage(w, r, http.StatusUnprocessableEntity, ch, providerState{kind: kind, form: views.Form{Values: form}, settingsError: se.Reason})
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "flash.saved")
		http.Redirect(w, r, "/admin/notifications/providers/"+string(ch), http.StatusSeeOther)
	}
}

// notifyProviderTest sends a test message through the saved provider right away; the
// page then shows the provider's id for it, or what the provider said.
func (s *Server) notifyProviderTest(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.providerChannel(w, r)
	if !ok {
		return
	}
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	var hospitalID int64 // the test names the user's first hospital
	if hs, err := s.st.Hospitals(r.Context(), principal(r).Scope); err == nil && len(hs) > 0 {
		hospitalID = hs[0].ID
	}
	m, err := s.notify.SendTest(r.Context(), principal(r), ch, form.Get("to"), hospitalID)
	var se *notify.SendError
	switch {
	case formError(err):
		s.providerPage(w, r, http.StatusUnprocessableEntity, ch, providerState{test: views.Form{Values: form, Errors: app.Fields(err)}})
	case errors.As(err, &se):
		s.providerPage(w, r, http.StatusUnprocessableEntity, ch, providerState{test: views.Form{Values: form}, testError: se.Reason})
	case err != nil:
		s.fail(w, r, err)
	default:
		http.Redirect(w, r, "/admin/notifications/providers/"+string(ch)+"?test="+idString(m.ID), http.StatusSeeOther)
	}
}
