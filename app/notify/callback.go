package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"px360/app"
	"px360/app/notify/provider"
	"px360/store"
)

// Paths of the provider callbacks (the web layer serves them; Twilio gets the status
// path with every message).
const (
	TwilioStatusPath  = "/api/v1/notify/twilio/status"
	TwilioInboundPath = "/api/v1/notify/twilio/inbound"
	WhatsAppPath      = "/api/v1/notify/whatsapp"
)

// ErrSignature answers a callback whose signature does not verify: nothing changes.
var ErrSignature = errors.New("notify: bad or missing callback signature")

// TwilioStatus applies a Twilio status callback. fullURL is the URL Twilio posted to
// (as configured: the public URL), signature the X-Twilio-Signature header.
func (s *Service) TwilioStatus(ctx context.Context, fullURL string, form url.Values, signature string) error {
	lp, err := s.sender(ctx, app.ChannelSMS)
	if err != nil || lp.kind != app.ProviderTwilio || !provider.VerifyTwilio(lp.secrets["auth_token"], fullURL, form, signature) {
		return ErrSignature
	}
	u, ok := provider.ParseTwilioStatus(form)
	if !ok {
		return nil
	}
	return s.applyStatus(ctx, u)
}

// TwilioInbound handles an incoming SMS (a STOP keyword); it reports whether it was one.
func (s *Service) TwilioInbound(ctx context.Context, fullURL string, form url.Values, signature string) (bool, error) {
	lp, err := s.sender(ctx, app.ChannelSMS)
	if err != nil || lp.kind != app.ProviderTwilio || !provider.VerifyTwilio(lp.secrets["auth_token"], fullURL, form, signature) {
		return false, ErrSignature
	}
	in, ok := provider.ParseTwilioInbound(form)
	if !ok {
		return false, nil
	}
	return s.Keyword(ctx, app.ChannelSMS, in.From, in.Body)
}

// WhatsAppVerify answers Meta's webhook subscription handshake.
func (s *Service) WhatsAppVerify(ctx context.Context, query url.Values) (string, bool) {
	lp, err := s.sender(ctx, app.ChannelWhatsApp)
	if err != nil || lp.kind != app.ProviderWhatsApp || lp.secrets["verify_token"] == "" {
		return "", false
	}
	return provider.VerifyWhatsAppSubscription(lp.secrets["verify_token"], query)
}

// WhatsAppWebhook applies a WhatsApp webhook delivery: message statuses and incoming
// STOP keywords. The body must carry a valid X-Hub-Signature-256.
func (s *Service) WhatsAppWebhook(ctx context.Context, body []byte, signature string) error {
	lp, err := s.sender(ctx, app.ChannelWhatsApp)
	if err != nil || lp.kind != app.ProviderWhatsApp || lp.secrets["app_secret"] == "" ||
		!provider.VerifyWhatsAppSignature(lp.secrets["app_secret"], body, signature) {
		return ErrSignature
	}
	updates, inbound, err := provider.ParseWhatsAppWebhook(body)
	if err != nil {
		return &app.Error{Code: app.EInvalid, Message: "err.invalid_payload"}
	}
	for _, u := range updates {
		if err := s.applyStatus(ctx, u); err != nil {
			return err
		}
	}
	for _, in := range inbound {
		if _, err := s.Keyword(ctx, app.ChannelWhatsApp, in.From, in.Body); err != nil {
			return err
		}
	}
	return nil
}

// applyStatus moves the message a provider reported on.
func (s *Service) applyStatus(ctx context.Context, u provider.StatusUpdate) error {
	var status app.MessageStatus
	switch u.Status {
	case "delivered":
		status = app.MessageDelivered
	case "failed":
		status = app.MessageBounced // it left us, and the network could not deliver it
	default:
		return nil
	}
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		_, _, err := tx.UpdateDelivery(ctx, u.ProviderID, status, u.Reason)
		return err
	})
}

// Stop and start keywords, compared after trimming and folding case.
var (
	stopWords  = []string{"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "إيقاف", "ايقاف", "الغاء", "إلغاء", "توقف"}
	startWords = []string{"start", "unstop", "yes", "بدء", "ابدأ", "اشتراك"}
)

// Keyword handles a message a patient sent: STOP (or إيقاف) opts the number out of every
// message on that channel, START opts it back in. It reports whether body was a keyword.
func (s *Service) Keyword(ctx context.Context, ch app.Channel, from, body string) (bool, error) {
	word := strings.ToLower(strings.Trim(strings.TrimSpace(body), ".!؟?"))
	stop, start := contains(stopWords, word), contains(startWords, word)
	if !stop && !start {
		return false, nil
	}
	to, err := app.E164(from)
	if err != nil {
		return true, nil // not a number we could have written to
	}
	return true, s.setOptOuts(ctx, to, ch, map[app.Purpose]bool{app.PurposeService: stop, app.PurposeSurvey: stop}, "keyword")
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// setOptOuts records the contact's choices on a channel; an opt-out also suppresses
// what is still waiting to go.
func (s *Service) setOptOuts(ctx context.Context, contact string, ch app.Channel, out map[app.Purpose]bool, source string) error {
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		changes := map[string]bool{}
		for p, on := range out {
			changed, err := tx.SetOptOut(ctx, app.OptOut{Contact: contact, Channel: ch, Purpose: p, Source: source}, on)
			if err != nil {
				return err
			}
			if on {
				if _, err := tx.SuppressPending(ctx, contact, ch, p); err != nil {
					return err
				}
			}
			if changed {
				changes[string(p)] = on
			}
		}
		if len(changes) == 0 {
			return nil
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.opt_out", Entity: "contact", EntityID: maskContact(contact),
			Summary: map[string]any{"channel": ch, "opted_out": changes, "source": source}})
	})
}

// maskContact keeps the audit log useful without copying whole phone numbers into it.
func maskContact(c string) string {
	r := []rune(c)
	if len(r) <= 4 {
		return "****"
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// OptOutInfo is what the opt-out page shows for a link.
type OptOutInfo struct {
	Token    string
	Channel  app.Channel
	Contact  string // masked
	Lang     string
	Hospital app.Hospital
	Survey   bool // currently opted out of surveys on this channel
	Service  bool // currently opted out of service messages on this channel
}

// OptOutPage returns the state behind an opt-out link.
func (s *Service) OptOutPage(ctx context.Context, token string) (OptOutInfo, error) {
	m, err := s.st.MessageByOptOutToken(ctx, token)
	if err != nil {
		return OptOutInfo{}, err
	}
	info := OptOutInfo{Token: token, Channel: m.Channel, Contact: maskContact(m.Recipient), Lang: m.Lang}
	if h, err := s.st.HospitalByID(ctx, app.System.Scope, m.HospitalID); err == nil {
		info.Hospital = h
	}
	if info.Survey, err = s.st.OptedOut(ctx, m.Recipient, m.Channel, app.PurposeSurvey); err != nil {
		return info, err
	}
	info.Service, err = s.st.OptedOut(ctx, m.Recipient, m.Channel, app.PurposeService)
	return info, err
}

// SetOptOut applies the choices made on the opt-out page of token.
func (s *Service) SetOptOut(ctx context.Context, token string, survey, service bool) error {
	m, err := s.st.MessageByOptOutToken(ctx, token)
	if err != nil {
		return err
	}
	if err := s.setOptOuts(ctx, m.Recipient, m.Channel, map[app.Purpose]bool{app.PurposeSurvey: survey, app.PurposeService: service}, "link"); err != nil {
		return fmt.Errorf("opt-out: %w", err)
	}
	return nil
}
