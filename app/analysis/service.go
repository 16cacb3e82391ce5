// Package analysis analyses the free text of every comment-bearing record through the
// outbox: an `analysis.requested` (or `complaint.created`) event names a record; the
// offline analyser (package ai) scores it; the result is stored with the record and
// aggregated for dashboards. An admin may add a language model on the hospital's own
// network (an OpenAI-compatible endpoint) for summaries, suggested actions and a second
// opinion on sentiment: it runs only here, never in a user's request; patient identifiers
// are redacted before anything is sent; every prompt and answer is logged; when it fails
// or times out, the lexicon's result stands.
package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"px360/app"
	"px360/app/ai"
	"px360/app/outbox"
	"px360/app/vault"
	"px360/store"
)

// Service is the analysis module.
type Service struct {
	st     *store.Store
	vault  *vault.Vault
	log    *slog.Logger
	Client *http.Client

	mu       sync.Mutex
	analyzer *ai.Analyzer
	builtAt  time.Time
}

// New returns the service.
func New(st *store.Store, v *vault.Vault, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{st: st, vault: v, log: log, Client: &http.Client{}}
}

// Subscribe connects the events that ask for an analysis.
func (s *Service) Subscribe(d *outbox.Dispatcher) {
	d.Subscribe(app.EventAnalysisRequested, "analysis", s.onRequested)
	d.Subscribe(app.EventComplaintCreated, "analysis", s.onComplaint)
}

func (s *Service) onRequested(ctx context.Context, e app.Event) error {
	var p struct {
		RecordType string `json:"record_type"`
		RecordID   int64  `json:"record_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("analysis.requested payload: %w", err)
	}
	return s.AnalyzeRecord(ctx, p.RecordType, p.RecordID)
}

func (s *Service) onComplaint(ctx context.Context, e app.Event) error {
	var p struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("complaint.created payload: %w", err)
	}
	return s.AnalyzeRecord(ctx, "complaint", p.ID)
}

// Analyzer returns the analyser, built with the organisation's departments and staff
// (rebuilt at most every ten minutes so new names are recognised).
func (s *Service) Analyzer(ctx context.Context) *ai.Analyzer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.analyzer != nil && time.Since(s.builtAt) < 10*time.Minute {
		return s.analyzer
	}
	var org ai.Org
	if deps, err := s.st.Departments(ctx, app.System.Scope); err == nil {
		for _, d := range deps {
			org.Departments = append(org.Departments, ai.Named{ID: d.ID, EN: d.NameEN, AR: d.NameAR})
		}
	}
	if staff, err := s.st.ListStaff(ctx, app.ListQuery{Scope: app.System.Scope, Limit: 500, NoCount: true}, 0); err == nil {
		for _, x := range staff.Items {
			org.Staff = append(org.Staff, ai.Named{ID: x.ID, EN: x.NameEN, AR: x.NameAR})
		}
	}
	s.analyzer, s.builtAt = ai.New(org), time.Now()
	return s.analyzer
}

// AnalyzeRecord analyses one record's text and stores the result (a record without
// text, or gone, is skipped).
func (s *Service) AnalyzeRecord(ctx context.Context, recordType string, id int64) error {
	hospitalID, text, ok, err := s.st.RecordText(ctx, recordType, id)
	if err != nil || !ok || strings.TrimSpace(text) == "" {
		return err
	}
	r := s.Analyzer(ctx).Analyze(text)
	ent, _ := json.Marshal(r.Entities)
	row := store.AnalysisRow{RecordType: recordType, RecordID: id, HospitalID: hospitalID, Lang: r.Lang, Label: r.Label,
		Score: r.Score, Confidence: r.Confidence, Keywords: r.Keywords, Emotions: r.Emotions, Topics: r.Topics, Entities: ent,
		Engine: "lexicon"}
	cfg, err := s.LLM(ctx)
	if err != nil {
		return err
	}
	var logRow func(tx *store.Tx) error
	if cfg.Enabled && cfg.URL != "" {
		start := time.Now()
		op, prompt, raw, err := ask(ctx, s.Client, cfg, ai.Redact(text))
		errText := ""
		if err != nil {
			errText = err.Error()
			s.log.Warn("language model unavailable; the lexicon's analysis stands", "record", recordType, "id", id, "err", err)
		} else {
			row.Summary, row.Suggestion = op.Summary, op.Suggestion
			if op.Label != row.Label && r.Confidence < 0.6 { // a second opinion where the lexicon is unsure
				row.Label, row.Engine = op.Label, "llm"
			}
		}
		millis := time.Since(start).Milliseconds()
		logRow = func(tx *store.Tx) error {
			return tx.LogLLM(ctx, recordType, id, "analysis", cfg.Model, prompt, raw, errText, millis)
		}
	}
	return s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		if logRow != nil {
			if err := logRow(tx); err != nil {
				return err
			}
		}
		return tx.SaveAnalysis(ctx, row)
	})
}

// Reprocess re-analyses every record of every type (after a lexicon change), a page at
// a time; progress is called after each page.
func (s *Service) Reprocess(ctx context.Context, progress func(recordType string, done int)) (int, error) {
	total := 0
	for _, t := range store.AnalysableTypes() {
		var after int64
		for {
			ids, err := s.st.RecordIDs(ctx, t, after, 500)
			if err != nil {
				return total, err
			}
			if len(ids) == 0 {
				break
			}
			for _, id := range ids {
				if err := s.AnalyzeRecord(ctx, t, id); err != nil {
					return total, fmt.Errorf("%s %d: %w", t, id, err)
				}
				total++
			}
			after = ids[len(ids)-1]
			if progress != nil {
				progress(t, total)
			}
			if ctx.Err() != nil {
				return total, ctx.Err()
			}
		}
	}
	return total, nil
}

// Analysis returns a record's stored analysis for a user who may see the record's
// hospital; ok is false when there is none.
func (s *Service) Analysis(ctx context.Context, by app.Principal, recordType string, id int64) (store.AnalysisRow, bool, error) {
	a, ok, err := s.st.Analysis(ctx, recordType, id)
	if err != nil || !ok {
		return a, ok, err
	}
	if !by.Scope.Allows(a.HospitalID) {
		return store.AnalysisRow{}, false, nil
	}
	return a, true, nil
}

const llmSetting = "analysis.llm"

// LLM returns the language-model settings (disabled when never set).
func (s *Service) LLM(ctx context.Context) (LLMConfig, error) {
	v, err := s.st.Setting(ctx, llmSetting)
	if err != nil || v == "" {
		return LLMConfig{}, err
	}
	var stored struct {
		LLMConfig
		KeyEnc []byte `json:"key_enc"`
	}
	if err := json.Unmarshal([]byte(v), &stored); err != nil {
		return LLMConfig{}, fmt.Errorf("language model settings: %w", err)
	}
	cfg := stored.LLMConfig
	if len(stored.KeyEnc) > 0 {
		if cfg.Key, err = s.vault.Decrypt(llmSetting, stored.KeyEnc); err != nil {
			return LLMConfig{}, err
		}
	}
	return cfg, nil
}

// SaveLLM stores the language-model settings (system admins); an empty key keeps the
// stored one. The key is encrypted.
func (s *Service) SaveLLM(ctx context.Context, by app.Principal, cfg LLMConfig) error {
	if !by.Can(app.PermSystemManage) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	cfg.URL = strings.TrimSpace(cfg.URL)
	if cfg.Enabled && !strings.HasPrefix(cfg.URL, "http://") && !strings.HasPrefix(cfg.URL, "https://") {
		fe.Add("url", "err.url_invalid")
	}
	cfg.Model = app.OptionalText(fe, "model", cfg.Model, 200)
	if cfg.Enabled && cfg.Model == "" {
		fe.Add("model", "err.required")
	}
	if cfg.Timeout < time.Second || cfg.Timeout > 5*time.Minute {
		fe.Add("timeout", "err.number_range")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	old, err := s.LLM(ctx)
	if err != nil {
		return err
	}
	if cfg.Key == "" {
		cfg.Key = old.Key
	}
	enc, err := s.vault.Encrypt(llmSetting, cfg.Key)
	if err != nil {
		return err
	}
	key := cfg.Key
	cfg.Key = ""
	b, _ := json.Marshal(struct {
		LLMConfig
		KeyEnc []byte `json:"key_enc"`
	}{cfg, enc})
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, llmSetting, string(b)); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "analysis.llm", Entity: "setting", EntityID: llmSetting,
			Summary: map[string]any{"enabled": cfg.Enabled, "url": cfg.URL, "model": cfg.Model, "key_changed": key != old.Key}})
	})
}
