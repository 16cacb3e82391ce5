package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"

	"px360/app"
	"px360/app/notify"
	"px360/views"
)

// templateHospital is the hospital the templates page is about: ?hospital=ID, else the
// group defaults for group-wide users and the user's first hospital for the others.
func templateHospital(r *http.Request, fr views.Frame) (int64, bool) {
	by := principal(r)
	if raw := r.URL.Query().Get("hospital"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		return id, err == nil && id >= 0
	}
	if by.Scope.All || len(fr.Hospitals) == 0 {
		return 0, true
	}
	return fr.Hospitals[0].ID, true
}

func (s *Server) notifyTemplates(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	by := principal(r)
	hospitalID, ok := templateHospital(r, fr)
	if !ok {
		s.notFound(w, r)
		return
	}
	rows, err := s.notify.Templates(r.Context(), by, hospitalID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list := views.NotifyTemplateList{HospitalID: hospitalID, System: by.Scope.All}
	for _, t := range rows {
		if kind, ok := t.Key.Kind(); ok && t.Key != app.NotifyTest && slices.Contains(views.NotifyChannels(kind), t.Channel) {
			list.Rows = append(list.Rows, views.NotifyTemplateRow{Key: t.Key, Channel: t.Channel, Origin: string(t.Origin)})
		}
	}
	s.render(w, r, http.StatusOK, views.NotifyTemplates(fr, list))
}

// templateTarget reads the hospital, key and channel of a template route; ok is false
// (and the request answered with 404) when they name no template an admin can edit.
func (s *Server) templateTarget(w http.ResponseWriter, r *http.Request) (hospitalID int64, key app.NotificationKey, ch app.Channel, ok bool) {
	hospitalID, err := strconv.ParseInt(r.PathValue("hospital"), 10, 64)
	key, ch = app.NotificationKey(r.PathValue("key")), app.Channel(r.PathValue("channel"))
	kind, known := key.Kind()
	if err != nil || hospitalID < 0 || !known || key == app.NotifyTest || !slices.Contains(views.NotifyChannels(kind), ch) {
		s.notFound(w, r)
		return 0, "", "", false
	}
	return hospitalID, key, ch, true
}

func (s *Server) notifyTemplateEdit(w http.ResponseWriter, r *http.Request) {
	hospitalID, key, ch, ok := s.templateTarget(w, r)
	if !ok {
		return
	}
	t, err := s.notify.Template(r.Context(), principal(r), hospitalID, key, ch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.NotifyTemplateEditor(s.frame(r), views.NotifyTemplateEdit{HospitalID: hospitalID, Key: key,
		Channel: ch, Origin: string(t.Origin), Form: views.Form{Values: views.TemplateValues(t.Template)}}))
}

// templateForm reads the editor's texts; fields the channel does not show stay empty.
func templateForm(form url.Values, hospitalID int64, key app.NotificationKey, ch app.Channel) app.Template {
	text := func(name string) string { return strings.ReplaceAll(form.Get(name), "\r\n", "\n") }
	t := app.Template{HospitalID: hospitalID, Key: key, Channel: ch, BodyEN: text("body_en"), BodyAR: text("body_ar")}
	if ch == app.ChannelEmail || ch == app.ChannelInApp {
		t.SubjectEN, t.SubjectAR = text("subject_en"), text("subject_ar")
	}
	if ch == app.ChannelWhatsApp {
		t.WhatsApp = strings.TrimSpace(form.Get("whatsapp"))
	}
	return t
}

// previewErrors checks a template the way saving would, without saving it.
func previewErrors(t app.Template) app.FieldErrors {
	fe := t.Validate()
	if t.Channel == app.ChannelEmail && strings.TrimSpace(t.SubjectEN) == "" && strings.TrimSpace(t.SubjectAR) == "" {
		fe.Add("subject_en", "err.required")
	}
	return fe
}

// notifyTemplateSave saves the editor's texts, or with "Preview" shows them rendered
// with sample values in both languages and saves nothing.
func (s *Server) notifyTemplateSave(w http.ResponseWriter, r *http.Request) {
	hospitalID, key, ch, ok := s.templateTarget(w, r)
	if !ok {
		return
	}
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	by := principal(r)
	current, err := s.notify.Template(r.Context(), by, hospitalID, key, ch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := templateForm(form, hospitalID, key, ch)
	page := views.NotifyTemplateEdit{HospitalID: hospitalID, Key: key, Channel: ch, Origin: string(current.Origin), Form: views.Form{Values: form}}
	if form.Get("preview") != "" {
		status := http.StatusOK
		if fe := previewErrors(t); len(fe) > 0 {
			page.Form.Errors, status = fe, http.StatusUnprocessableEntity
		} else {
			page.Preview = map[string][2]string{}
			for _, lang := range []string{"en", "ar"} {
				sub, body := notify.Preview(t, lang)
				page.Preview[lang] = [2]string{sub, body}
			}
		}
		s.render(w, r, status, views.NotifyTemplateEditor(s.frame(r), page))
		return
	}
	_, err = s.notify.SaveTemplate(r.Context(), by, t)
	s.afterSave(w, r, err, "/admin/notifications/templates?hospital="+strconv.FormatInt(hospitalID, 10), func(errs app.FieldErrors) g.Node {
		page.Form.Errors = errs
		return views.NotifyTemplateEditor(s.frame(r), page)
	})
}

func (s *Server) notifyTemplateReset(w http.ResponseWriter, r *http.Request) {
	hospitalID, key, ch, ok := s.templateTarget(w, r)
	if !ok {
		return
	}
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	if err := s.notify.ResetTemplate(r.Context(), principal(r), hospitalID, key, ch); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(r, "notify.flash.template_reset")
	http.Redirect(w, r, "/admin/notifications/templates/"+strconv.FormatInt(hospitalID, 10)+"/"+url.PathEscape(string(key))+"/"+string(ch),
		http.StatusSeeOther)
}
