package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// AnalysisRow is a record's stored text analysis.
type AnalysisRow struct {
	RecordType string
	RecordID   int64
	HospitalID int64
	Lang       string
	Label      string
	Score      float64
	Confidence float64
	Keywords   []string
	Emotions   []string
	Topics     []string
	Entities   json.RawMessage
	Engine     string
	Summary    string
	Suggestion string
	AnalyzedAt time.Time
}

// textQueries read the free text of each kind of record that is analysed: its
// hospital and its text fields joined by newlines.
var textQueries = map[string]string{
	"complaint": `select hospital_id, title || char(10) || description from complaints where id = ?`,
	"survey_response": `select hospital_id, coalesce((select group_concat(j.value, char(10)) from json_each(answers) a,
		json_each(a.value) j where length(j.value) > 3 and cast(j.value as integer) || '' != j.value), '') from survey_responses where id = ?`,
	"feedback":     `select hospital_id, text from feedback where id = ?`,
	"observation":  `select hospital_id, description || char(10) || resolution from observations where id = ?`,
	"call":         `select hospital_id, notes || char(10) || resolution from call_interactions where id = ?`,
	"appreciation": `select hospital_id, message from appreciations where id = ?`,
}

// AnalysableTypes lists the record types with free text.
func AnalysableTypes() []string {
	return []string{"complaint", "survey_response", "feedback", "observation", "call", "appreciation"}
}

// RecordText returns a record's hospital and free text; ok is false for an unknown
// type or a missing record.
func (s *Store) RecordText(ctx context.Context, recordType string, id int64) (hospitalID int64, text string, ok bool, err error) {
	q, known := textQueries[recordType]
	if !known {
		return 0, "", false, nil
	}
	err = s.R.QueryRowContext(ctx, q, id).Scan(&hospitalID, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	return hospitalID, text, err == nil, err
}

// RecordIDs pages through the ids of a record type (for re-analysis), after after.
func (s *Store) RecordIDs(ctx context.Context, recordType string, after int64, limit int) ([]int64, error) {
	tables := map[string]string{"complaint": "complaints", "survey_response": "survey_responses", "feedback": "feedback",
		"observation": "observations", "call": "call_interactions", "appreciation": "appreciations"}
	table, ok := tables[recordType]
	if !ok {
		return nil, nil
	}
	rows, err := s.R.QueryContext(ctx, `select id from `+table+` where id > ? order by id limit ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SaveAnalysis stores (or replaces) a record's analysis.
func (tx *Tx) SaveAnalysis(ctx context.Context, a AnalysisRow) error {
	kw, _ := json.Marshal(a.Keywords)
	em, _ := json.Marshal(a.Emotions)
	tp, _ := json.Marshal(a.Topics)
	ent := a.Entities
	if len(ent) == 0 {
		ent = json.RawMessage("[]")
	}
	_, err := tx.ExecContext(ctx, `insert into analyses(record_type, record_id, hospital_id, lang, label, score, confidence, keywords,
		emotions, topics, entities, engine, summary, suggestion, analyzed_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		on conflict(record_type, record_id) do update set hospital_id = excluded.hospital_id, lang = excluded.lang, label = excluded.label,
		score = excluded.score, confidence = excluded.confidence, keywords = excluded.keywords, emotions = excluded.emotions,
		topics = excluded.topics, entities = excluded.entities, engine = excluded.engine, summary = excluded.summary,
		suggestion = excluded.suggestion, analyzed_at = excluded.analyzed_at`, a.RecordType, a.RecordID, a.HospitalID, a.Lang, a.Label,
		a.Score, a.Confidence, string(kw), string(em), string(tp), string(ent), a.Engine, a.Summary, a.Suggestion, ts(tx.now))
	return err
}

// Analysis returns a record's analysis; ok is false when it has none.
func (s *Store) Analysis(ctx context.Context, recordType string, id int64) (AnalysisRow, bool, error) {
	a := AnalysisRow{RecordType: recordType, RecordID: id}
	var kw, em, tp, ent, at string
	err := s.R.QueryRowContext(ctx, `select hospital_id, lang, label, score, confidence, keywords, emotions, topics, entities, engine,
		summary, suggestion, analyzed_at from analyses where record_type = ? and record_id = ?`, recordType, id).Scan(&a.HospitalID,
		&a.Lang, &a.Label, &a.Score, &a.Confidence, &kw, &em, &tp, &ent, &a.Engine, &a.Summary, &a.Suggestion, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	_ = json.Unmarshal([]byte(kw), &a.Keywords)
	_ = json.Unmarshal([]byte(em), &a.Emotions)
	_ = json.Unmarshal([]byte(tp), &a.Topics)
	a.Entities, a.AnalyzedAt = json.RawMessage(ent), parseTS(at)
	return a, true, nil
}

// SentimentCount is how many analysed records of a type have a label.
type SentimentCount struct {
	RecordType string
	Label      string
	Count      int
}

// SentimentCounts aggregates labels by record type for the given hospitals (all when nil).
func (s *Store) SentimentCounts(ctx context.Context, hospitalIDs []int64) ([]SentimentCount, error) {
	q, args := `select record_type, label, count(*) from analyses`, []any{}
	if hospitalIDs != nil {
		q += ` where hospital_id in (select value from json_each(?))`
		b, _ := json.Marshal(hospitalIDs)
		args = append(args, string(b))
	}
	rows, err := s.R.QueryContext(ctx, q+` group by record_type, label order by record_type, label`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SentimentCount
	for rows.Next() {
		var c SentimentCount
		if err := rows.Scan(&c.RecordType, &c.Label, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LogLLM records one exchange with the language model.
func (tx *Tx) LogLLM(ctx context.Context, recordType string, recordID int64, purpose, model, prompt, response, errText string, millis int64) error {
	_, err := tx.ExecContext(ctx, `insert into llm_log(at, record_type, record_id, purpose, model, prompt, response, error, millis)
		values (?,?,?,?,?,?,?,?,?)`, ts(tx.now), recordType, recordID, purpose, model, prompt, response, errText, millis)
	return err
}
