package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"px360/app"
	"px360/app/notify/provider"
	"px360/store"
)

// Field is one setting of a provider kind, as the admin form shows it.
type Field struct {
	Name    string   // the JSON name in the provider's config
	Secret  bool     // stored encrypted, never shown back in full
	Type    string   // "text", "number", "select", "textarea", "checkbox"
	Options []string // for "select"
	Needed  bool
}

// ProviderFields lists the settings of each provider kind.
var ProviderFields = map[string][]Field{
	app.ProviderSMTP: {{Name: "host", Type: "text", Needed: true}, {Name: "port", Type: "number", Needed: true},
		{Name: "security", Type: "select", Options: []string{"starttls", "tls", "none"}, Needed: true},
		{Name: "username", Type: "text"}, {Name: "password", Type: "text", Secret: true},
		{Name: "from", Type: "text", Needed: true}, {Name: "from_name", Type: "text"}, {Name: "skip_verify", Type: "checkbox"}},
	app.ProviderUnifonic: {{Name: "base_url", Type: "text"}, {Name: "app_sid", Type: "text", Secret: true, Needed: true},
		{Name: "sender_id", Type: "text"}},
	app.ProviderTwilio: {{Name: "base_url", Type: "text"}, {Name: "account_sid", Type: "text", Needed: true},
		{Name: "auth_token", Type: "text", Secret: true, Needed: true}, {Name: "from", Type: "text"},
		{Name: "messaging_service_sid", Type: "text"}},
	app.ProviderGateway: {{Name: "method", Type: "select", Options: []string{"POST", "GET"}, Needed: true},
		{Name: "url", Type: "text", Secret: true, Needed: true}, {Name: "format", Type: "select", Options: []string{"form", "json"}},
		{Name: "body", Type: "textarea"}, {Name: "headers", Type: "textarea", Secret: true},
		{Name: "success_status", Type: "number"}, {Name: "success_contains", Type: "text"}, {Name: "id_field", Type: "text"}},
	app.ProviderWhatsApp: {{Name: "base_url", Type: "text"}, {Name: "api_version", Type: "text"},
		{Name: "phone_number_id", Type: "text", Needed: true}, {Name: "access_token", Type: "text", Secret: true, Needed: true},
		{Name: "app_secret", Type: "text", Secret: true}, {Name: "verify_token", Type: "text", Secret: true}},
}

// ProviderForm is a channel's provider as the admin page shows it: plain settings as
// they are, secrets masked to their last four characters.
type ProviderForm struct {
	Channel    app.Channel
	Kind       string
	Enabled    bool
	Configured bool
	Values     map[string]string // plain fields, and masked secrets ("••••1234")
	SecretSet  map[string]bool
}

const secretPurpose = "notify.provider"

// mask shows the last four characters of a secret, at most.
func mask(v string) string {
	r := []rune(v)
	if len(r) <= 8 {
		return "••••"
	}
	return "••••" + string(r[len(r)-4:])
}

// Provider returns the provider form of an outbound channel.
func (s *Service) Provider(ctx context.Context, by app.Principal, ch app.Channel) (ProviderForm, error) {
	if !by.Can(app.PermSystemManage) {
		return ProviderForm{}, app.ErrForbidden
	}
	if _, ok := app.ProviderKinds[ch]; !ok {
		return ProviderForm{}, app.ErrNotFound
	}
	f := ProviderForm{Channel: ch, Kind: app.ProviderKinds[ch][0], Values: map[string]string{}, SecretSet: map[string]bool{}}
	p, plain, secrets, ok, err := s.loadProviderValues(ctx, ch)
	if err != nil || !ok {
		return f, err
	}
	f.Kind, f.Enabled, f.Configured = p.Kind, p.Enabled, true
	for k, v := range plain {
		f.Values[k] = v
	}
	for k, v := range secrets {
		if v != "" {
			f.Values[k], f.SecretSet[k] = mask(v), true
		}
	}
	return f, nil
}

// loadProviderValues reads and decrypts a channel's provider settings.
func (s *Service) loadProviderValues(ctx context.Context, ch app.Channel) (app.ProviderConfig, map[string]string, map[string]string, bool, error) {
	p, sealed, ok, err := s.st.NotifyProvider(ctx, ch)
	if err != nil || !ok {
		return p, nil, nil, ok, err
	}
	plain, secrets := map[string]string{}, map[string]string{}
	if err := json.Unmarshal(p.Config, &plain); err != nil {
		return p, nil, nil, false, fmt.Errorf("provider %s settings: %w", ch, err)
	}
	if len(sealed) > 0 {
		js, err := s.vault.Decrypt(secretPurpose, sealed)
		if err != nil {
			return p, nil, nil, false, fmt.Errorf("provider %s secrets: %w", ch, err)
		}
		if err := json.Unmarshal([]byte(js), &secrets); err != nil {
			return p, nil, nil, false, err
		}
	}
	return p, plain, secrets, true, nil
}

// SaveProvider stores the provider of ch. A secret field left empty keeps its current
// value (the form never shows secrets back); the settings must build a working client.
func (s *Service) SaveProvider(ctx context.Context, by app.Principal, ch app.Channel, kind string, enabled bool, values map[string]string) error {
	if !by.Can(app.PermSystemManage) {
		return app.ErrForbidden
	}
	if !slices.Contains(app.ProviderKinds[ch], kind) {
		return app.FieldErrors{"kind": "err.choose_option"}.Err()
	}
	_, _, oldSecrets, _, err := s.loadProviderValues(ctx, ch)
	if err != nil {
		return err
	}
	plain, secrets := map[string]string{}, map[string]string{}
	fe := app.FieldErrors{}
	for _, f := range ProviderFields[kind] {
		v := strings.TrimSpace(values[f.Name])
		if f.Type == "textarea" {
			v = strings.TrimSpace(strings.ReplaceAll(values[f.Name], "\r\n", "\n"))
		}
		if len(v) > 4000 {
			fe.Add(f.Name, "err.too_long")
			continue
		}
		if f.Secret {
			if v == "" || strings.HasPrefix(v, "••••") {
				v = oldSecrets[f.Name]
			}
			secrets[f.Name] = v
		} else {
			plain[f.Name] = v
		}
		if f.Needed && v == "" {
			fe.Add(f.Name, "err.required")
		}
		if f.Type == "number" && v != "" {
			if _, err := strconv.Atoi(v); err != nil {
				fe.Add(f.Name, "err.number_range")
			}
		}
		if f.Type == "select" && v != "" && !slices.Contains(f.Options, v) {
			fe.Add(f.Name, "err.choose_option")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if _, err := buildSender(kind, plain, secrets, s.HTTPClient); err != nil {
		return &SettingsError{Reason: err.Error()}
	}
	cfg, _ := json.Marshal(plain)
	sj, _ := json.Marshal(secrets)
	sealed, err := s.vault.Encrypt(secretPurpose, string(sj))
	if err != nil {
		return err
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveNotifyProvider(ctx, app.ProviderConfig{Channel: ch, Kind: kind, Enabled: enabled, Config: cfg}, sealed); err != nil {
			return err
		}
		changed := []string{}
		for k, v := range secrets {
			if v != oldSecrets[k] {
				changed = append(changed, k)
			}
		}
		slices.Sort(changed)
		return tx.Audit(ctx, app.Audit{Action: "notify.provider.save", Entity: "notify_provider", EntityID: string(ch),
			Summary: map[string]any{"kind": kind, "enabled": enabled, "settings": plain, "secrets_changed": changed}})
	})
	if err == nil {
		s.mu.Lock()
		delete(s.providers, ch)
		s.mu.Unlock()
	}
	return err
}

// SettingsError is a provider configuration the provider's client refuses; Reason is
// its English explanation, shown to the admin beside the form.
type SettingsError struct{ Reason string }

func (e *SettingsError) Error() string { return "provider settings: " + e.Reason }

// loadedProvider is a channel's ready client.
type loadedProvider struct {
	kind    string
	enabled bool
	sender  provider.Sender
	secrets map[string]string // for callbacks: Twilio auth token, WhatsApp app secret and verify token
}

// errNoProvider is a transient failure: messages wait until an admin configures one.
var errNoProvider = errors.New("no provider is configured and enabled for this channel")

// sender returns the client of ch, built once per configuration.
func (s *Service) sender(ctx context.Context, ch app.Channel) (*loadedProvider, error) {
	s.mu.Lock()
	lp, ok := s.providers[ch]
	s.mu.Unlock()
	if ok {
		return lp, nil
	}
	p, plain, secrets, ok, err := s.loadProviderValues(ctx, ch)
	if err != nil {
		return nil, err
	}
	lp = &loadedProvider{}
	if ok {
		lp.kind, lp.enabled, lp.secrets = p.Kind, p.Enabled, secrets
		if lp.sender, err = buildSender(p.Kind, plain, secrets, s.HTTPClient); err != nil {
			return nil, fmt.Errorf("provider %s: %w", ch, err)
		}
	}
	s.mu.Lock()
	s.providers[ch] = lp
	s.mu.Unlock()
	return lp, nil
}

// buildSender turns stored settings into a provider client.
func buildSender(kind string, plain, secrets map[string]string, httpClient *http.Client) (provider.Sender, error) {
	all := map[string]any{}
	for _, f := range ProviderFields[kind] {
		v := plain[f.Name]
		if f.Secret {
			v = secrets[f.Name]
		}
		switch {
		case f.Type == "number":
			n, _ := strconv.Atoi(v)
			all[f.Name] = n
		case f.Type == "checkbox":
			all[f.Name] = v == "on" || v == "true" || v == "1"
		case f.Name == "headers":
			h := map[string]string{}
			for line := range strings.SplitSeq(v, "\n") {
				if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) != "" {
					h[strings.TrimSpace(name)] = strings.TrimSpace(val)
				}
			}
			all[f.Name] = h
		default:
			all[f.Name] = v
		}
	}
	js, _ := json.Marshal(all)
	switch kind {
	case app.ProviderSMTP:
		var c provider.EmailConfig
		_ = json.Unmarshal(js, &c)
		return provider.NewEmail(c)
	case app.ProviderUnifonic:
		var c provider.UnifonicConfig
		_ = json.Unmarshal(js, &c)
		return provider.NewUnifonic(c, httpClient)
	case app.ProviderTwilio:
		var c provider.TwilioConfig
		_ = json.Unmarshal(js, &c)
		return provider.NewTwilio(c, httpClient)
	case app.ProviderGateway:
		var c provider.GatewayConfig
		_ = json.Unmarshal(js, &c)
		return provider.NewGateway(c, httpClient)
	case app.ProviderWhatsApp:
		var c provider.WhatsAppConfig
		_ = json.Unmarshal(js, &c)
		return provider.NewWhatsApp(c, httpClient)
	}
	return nil, fmt.Errorf("unknown provider kind %q", kind)
}
