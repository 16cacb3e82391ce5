package web

import (
	"errors"
	"io"
	"net/http"

	"px360/app"
	"px360/app/notify"
	"px360/views"
)

// optOutFrame is the public frame of an opt-out page: in the message's language until
// the patient picks another, and a language switch that comes back to the same page.
func (s *Server) optOutFrame(r *http.Request, info notify.OptOutInfo) views.Frame {
	f := s.frame(r)
	f.Path = "/o/" + info.Token
	if _, err := r.Cookie("px360_lang"); err != nil && userFrom(r) == nil && app.ValidLanguage(info.Lang) {
		f.Lang = info.Lang
	}
	return f
}

func optOutProps(f views.Frame, info notify.OptOutInfo) views.OptOut {
	p := views.OptOut{Token: info.Token, Channel: info.Channel, Contact: info.Contact, Survey: info.Survey, Service: info.Service}
	if info.Hospital.ID != 0 {
		p.Hospital = app.Name(f.Lang, info.Hospital.NameEN, info.Hospital.NameAR)
	}
	return p
}

// optOutInfo looks up the link of r, rate limited per address like the tracking page;
// ok is false when the request has been answered (429, or the public 404 page for a
// link that does not exist).
func (s *Server) optOutInfo(w http.ResponseWriter, r *http.Request) (notify.OptOutInfo, bool) {
	if !s.publicLimiter.Allow(clientIP(r)) {
		s.errorPage(w, r, http.StatusTooManyRequests)
		return notify.OptOutInfo{}, false
	}
	info, err := s.notify.OptOutPage(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return info, false
	}
	return info, true
}

// optOutPage lets a patient choose which messages they no longer want on the channel
// the link came by.
func (s *Server) optOutPage(w http.ResponseWriter, r *http.Request) {
	info, ok := s.optOutInfo(w, r)
	if !ok {
		return
	}
	f := s.optOutFrame(r, info)
	s.render(w, r, http.StatusOK, views.OptOutPage(f, optOutProps(f, info)))
}

func (s *Server) optOutSave(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	info, ok := s.optOutInfo(w, r)
	if !ok {
		return
	}
	survey, service := form.Get("survey") != "", form.Get("service") != ""
	if err := s.notify.SetOptOut(r.Context(), info.Token, survey, service); err != nil {
		s.fail(w, r, err)
		return
	}
	info.Survey, info.Service = survey, service
	f := s.optOutFrame(r, info)
	s.render(w, r, http.StatusOK, views.OptOutDone(f, optOutProps(f, info)))
}

// Provider callbacks: server-to-server requests without a session or an Origin header
// (so the cross-origin protection lets them through); each is authenticated by the
// provider's signature instead.

// twilioStatus applies a Twilio delivery report: 401 when the signature does not verify.
func (s *Server) twilioStatus(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	err := s.notify.TwilioStatus(r.Context(), s.notify.PublicURL(r.Context())+notify.TwilioStatusPath, r.PostForm,
		r.Header.Get("X-Twilio-Signature"))
	if s.callbackFailed(w, r, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// twilioInbound handles an incoming SMS (STOP and START) and answers with an empty
// TwiML response, so Twilio sends no reply of its own.
func (s *Server) twilioInbound(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	_, err := s.notify.TwilioInbound(r.Context(), s.notify.PublicURL(r.Context())+notify.TwilioInboundPath, r.PostForm,
		r.Header.Get("X-Twilio-Signature"))
	if s.callbackFailed(w, r, err) {
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`)
}

// whatsAppVerify answers Meta's subscription handshake with its challenge.
func (s *Server) whatsAppVerify(w http.ResponseWriter, r *http.Request) {
	challenge, ok := s.notify.WhatsAppVerify(r.Context(), r.URL.Query())
	if !ok {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, challenge)
}

// whatsAppWebhook applies a WhatsApp webhook delivery (statuses, STOP keywords); the
// body, at most 1 MiB, must carry Meta's signature.
func (s *Server) whatsAppWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	err = s.notify.WhatsAppWebhook(r.Context(), body, r.Header.Get("X-Hub-Signature-256"))
	if s.callbackFailed(w, r, err) {
		return
	}
	w.WriteHeader(http.StatusOK)
}

// callbackFailed answers a provider callback that went wrong: 401 for a bad signature,
// 400 for a body we cannot read, 500 (logged) otherwise, so the provider retries.
func (s *Server) callbackFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var ae *app.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, notify.ErrSignature):
		s.log.Warn("provider callback refused: bad signature", "request_id", requestID(r), "path", r.URL.Path, "ip", clientIP(r))
		http.Error(w, "invalid signature", http.StatusUnauthorized)
	case errors.As(err, &ae):
		http.Error(w, "bad request", http.StatusBadRequest)
	default:
		s.log.Error("provider callback failed", "request_id", requestID(r), "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	return true
}
