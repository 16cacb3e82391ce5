package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"px360/app"
	"px360/app/notify"
	"px360/store"
	"px360/views"
)

// notifyRoutes registers the notification admin, the in-app inbox, the patients'
// opt-out page and the provider callbacks.
func (s *Server) notifyRoutes() {
	s.page("GET /admin/notifications", app.PermNotifyManage, s.notifyLog)
	s.page("GET /admin/notifications/messages/{id}", app.PermNotifyManage, s.notifyMessage)
	s.page("POST /admin/notifications/messages/{id}/resend", app.PermNotifyManage, s.notifyResend)

	s.page("GET /admin/notifications/templates", app.PermNotifyManage, s.notifyTemplates)
	s.page("GET /admin/notifications/templates/{hospital}/{key}/{channel}", app.PermNotifyManage, s.notifyTemplateEdit)
	s.page("POST /admin/notifications/templates/{hospital}/{key}/{channel}", app.PermNotifyManage, s.notifyTemplateSave)
	s.page("POST /admin/notifications/templates/{hospital}/{key}/{channel}/reset", app.PermNotifyManage, s.notifyTemplateReset)

	s.page("GET /admin/notifications/hospitals", app.PermNotifyManage, s.notifyHospitalPick)
	s.page("GET /admin/notifications/hospitals/{id}", app.PermNotifyManage, s.notifyHospital)
	s.page("POST /admin/notifications/hospitals/{id}", app.PermNotifyManage, s.notifyHospitalSave)

	s.page("GET /admin/notifications/providers", app.PermSystemManage, s.notifyProviders)
	s.page("GET /admin/notifications/providers/{channel}", app.PermSystemManage, s.notifyProvider)
	s.page("POST /admin/notifications/providers/{channel}", app.PermSystemManage, s.notifyProviderSave)
	s.page("POST /admin/notifications/providers/{channel}/test", app.PermSystemManage, s.notifyProviderTest)
	s.page("POST /admin/notifications/public-url", app.PermSystemManage, s.notifyPublicURL)

	s.page("GET /inbox", "", s.inbox)
	s.page("POST /inbox/{id}/open", "", s.inboxOpen)
	s.page("POST /inbox/read-all", "", s.inboxReadAll)
	s.api("GET /api/v1/inbox/unread", "", s.apiInboxUnread)

	s.public("GET /o/{token}", s.optOutPage)
	s.public("POST /o/{token}", s.optOutSave)

	s.public("POST "+notify.TwilioStatusPath, s.twilioStatus)
	s.public("POST "+notify.TwilioInboundPath, s.twilioInbound)
	s.public("GET "+notify.WhatsAppPath, s.whatsAppVerify)
	s.public("POST "+notify.WhatsAppPath, s.whatsAppWebhook)
}

// notifyLogFilter reads the delivery log's filters from the URL (status, channel,
// notification, exact recipient, hospital, creation dates from/to inclusive in loc) and
// the same filters for the pager links.
func notifyLogFilter(r *http.Request, loc *time.Location) (app.ListQuery, store.MessageFilter, views.Filter) {
	lq, fl := listQuery(r)
	lq.Search, fl.Search = "", ""
	q := r.URL.Query()
	var f store.MessageFilter
	fl.Extra = url.Values{}
	if st := app.MessageStatus(q.Get("status")); st.Valid() {
		f.Status = st
		fl.Extra.Set("status", string(st))
	}
	if ch := app.Channel(q.Get("channel")); ch.Valid() {
		f.Channel = ch
		fl.Extra.Set("channel", string(ch))
	}
	if k := app.NotificationKey(q.Get("key")); k != "" {
		if _, ok := k.Kind(); ok {
			f.Key = k
			fl.Extra.Set("key", string(k))
		}
	}
	if raw := strings.TrimSpace(q.Get("recipient")); raw != "" {
		fl.Extra.Set("recipient", raw)
		f.Recipient = raw
		switch {
		case strings.Contains(raw, "@"):
			f.Recipient = strings.ToLower(raw) // addresses are logged in lower case
		default:
			if n, err := app.E164(raw); err == nil { // a number as people write it: 05…, +966 5…
				f.Recipient = n
			}
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("from"), loc); err == nil {
		f.From = t
		fl.Extra.Set("from", q.Get("from"))
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("to"), loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
		fl.Extra.Set("to", q.Get("to"))
	}
	return lq, f, fl
}

func (s *Server) notifyLog(w http.ResponseWriter, r *http.Request) {
	fr := s.frame(r)
	lq, f, fl := notifyLogFilter(r, zoneOf(fr.Hospitals))
	p, err := s.notify.List(r.Context(), principal(r), lq, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.NotifyLog(fr, p, fl))
}

// notifyMessagePage renders one logged message; alert is a catalog key shown above it.
func (s *Server) notifyMessagePage(w http.ResponseWriter, r *http.Request, status int, id int64, alert string) {
	m, atts, err := s.notify.Message(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.NotifyMessagePage(s.frame(r), views.NotifyMessage{M: m, Attempts: atts, Alert: alert}))
}

func (s *Server) notifyMessage(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	if id == 0 {
		s.notFound(w, r)
		return
	}
	s.notifyMessagePage(w, r, http.StatusOK, id, "")
}

// notifyResend queues a copy of a message and shows the copy; a message that may not
// be sent again (the patient opted out, or it never had a text) stays as it was and
// the page says why.
func (s *Server) notifyResend(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.saveTarget(w, r)
	if !ok {
		return
	}
	c, err := s.notify.Resend(r.Context(), principal(r), id)
	switch {
	case app.ErrorCode(err) == app.EConflict:
		s.notifyMessagePage(w, r, http.StatusConflict, id, app.ErrorMessage(err))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.flash(r, "notify.flash.resent")
		http.Redirect(w, r, "/admin/notifications/messages/"+idString(c.ID), http.StatusSeeOther)
	}
}
