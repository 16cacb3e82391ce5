package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"

	"px360/app"
)

// IntegrationKeyHash is how an API key is stored and looked up.
func IntegrationKeyHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

const integrationCols = `id, name, kind, coalesce(hospital_id, 0), key_prefix, listen_addr, event_map, enabled, created_at, updated_at`

func scanIntegration(r scanner) (app.Integration, error) {
	var in app.Integration
	var kind, emap, created, updated string
	var enabled int
	err := r.Scan(&in.ID, &in.Name, &kind, &in.HospitalID, &in.KeyPrefix, &in.ListenAddr, &emap, &enabled, &created, &updated)
	if err != nil {
		return in, err
	}
	in.Kind, in.Enabled, in.CreatedAt, in.UpdatedAt = app.IntegrationKind(kind), enabled == 1, parseTS(created), parseTS(updated)
	_ = json.Unmarshal([]byte(emap), &in.EventMap)
	return in, nil
}

// Integrations lists every integration by name.
func (s *Store) Integrations(ctx context.Context) ([]app.Integration, error) {
	rows, err := s.R.QueryContext(ctx, `select `+integrationCols+` from integrations order by name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Integration
	for rows.Next() {
		in, err := scanIntegration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// IntegrationByID returns one integration.
func (s *Store) IntegrationByID(ctx context.Context, id int64) (app.Integration, error) {
	in, err := scanIntegration(s.R.QueryRowContext(ctx, `select `+integrationCols+` from integrations where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, app.ErrNotFound
	}
	return in, err
}

// IntegrationByKey returns the enabled integration with an API key.
func (s *Store) IntegrationByKey(ctx context.Context, key string) (app.Integration, error) {
	in, err := scanIntegration(s.R.QueryRowContext(ctx, `select `+integrationCols+` from integrations
		where key_hash = ? and enabled = 1`, IntegrationKeyHash(key)))
	if errors.Is(err, sql.ErrNoRows) {
		return in, app.ErrNotFound
	}
	return in, err
}

// SaveIntegration inserts (with the key's hash) or updates an integration; key is only
// used on insert or when not empty (a new key).
func (tx *Tx) SaveIntegration(ctx context.Context, in *app.Integration, key string) error {
	emap, _ := json.Marshal(in.EventMap)
	if in.EventMap == nil {
		emap = []byte("{}")
	}
	in.UpdatedAt = tx.now
	var err error
	if in.ID == 0 {
		in.CreatedAt = tx.now
		err = tx.QueryRowContext(ctx, `insert into integrations(name, kind, hospital_id, key_hash, key_prefix, listen_addr, event_map,
			enabled, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?) returning id`, in.Name, in.Kind, nullID(in.HospitalID),
			IntegrationKeyHash(key), in.KeyPrefix, in.ListenAddr, string(emap), boolInt(in.Enabled), ts(tx.now), ts(tx.now)).Scan(&in.ID)
	} else {
		_, err = tx.ExecContext(ctx, `update integrations set name = ?, hospital_id = ?, listen_addr = ?, event_map = ?, enabled = ?,
			updated_at = ? where id = ?`, in.Name, nullID(in.HospitalID), in.ListenAddr, string(emap), boolInt(in.Enabled), ts(tx.now), in.ID)
		if err == nil && key != "" {
			_, err = tx.ExecContext(ctx, `update integrations set key_hash = ?, key_prefix = ? where id = ?`, IntegrationKeyHash(key), in.KeyPrefix, in.ID)
		}
	}
	if isUnique(err) {
		return &app.Error{Code: app.EConflict, Message: "err.name_taken", Fields: app.FieldErrors{"name": "err.name_taken"}}
	}
	return err
}

// Inbound is one received message to store.
type Inbound struct {
	IntegrationID int64
	Format        app.IntegrationKind
	ExternalID    string
	Raw           string
	NIDEnc        []byte            // the national ID, encrypted (the raw text has a marker instead)
	Status        app.InboundStatus // received, or error when it could not be read at all
	Error         string
	Event, MRN    string
	Visit         string
}

// InsertInbound stores received messages in one transaction and returns, for each, its
// id and whether it was new (false: the same integration and external id came before;
// the repeat is stored as a duplicate pointing at the first).
func (s *Store) InsertInbound(ctx context.Context, msgs []Inbound) (ids []int64, fresh []bool, err error) {
	err = s.InTx(ctx, app.System, func(tx *Tx) error {
		ids, fresh = make([]int64, len(msgs)), make([]bool, len(msgs))
		for i, m := range msgs {
			var id int64
			err := tx.QueryRowContext(ctx, `insert into his_messages(integration_id, received_at, format, external_id, raw, nid_enc,
				status, error, event, mrn, visit) values (?,?,?,?,?,?,?,?,?,?,?) on conflict do nothing returning id`,
				m.IntegrationID, ts(tx.now), m.Format, m.ExternalID, m.Raw, m.NIDEnc, m.Status, m.Error, m.Event, m.MRN, m.Visit).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) { // a duplicate: kept, marked, never applied again
				var first int64
				if err := tx.QueryRowContext(ctx, `select id from his_messages where integration_id = ? and external_id = ?`,
					m.IntegrationID, m.ExternalID).Scan(&first); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `insert into his_messages(integration_id, received_at, format, external_id, raw,
					status, error, event, mrn, visit, processed_at) values (?,?,?,'',?,'duplicate',?,?,?,?,?) returning id`,
					m.IntegrationID, ts(tx.now), m.Format, m.Raw, "duplicate of message "+strconv.FormatInt(first, 10)+" ("+m.ExternalID+")",
					m.Event, m.MRN, m.Visit, ts(tx.now)).Scan(&id); err != nil {
					return err
				}
				ids[i] = id
				continue
			}
			if err != nil {
				return err
			}
			ids[i], fresh[i] = id, true
		}
		return nil
	})
	return ids, fresh, err
}

const inboundCols = `id, integration_id, received_at, format, external_id, raw, nid_enc, status, error, event, mrn, visit,
	coalesce(hospital_id, 0), processed_at, attempts`

func scanInbound(r scanner) (app.InboundMessage, error) {
	var m app.InboundMessage
	var received, format, status, processed string
	err := r.Scan(&m.ID, &m.IntegrationID, &received, &format, &m.ExternalID, &m.Raw, &m.NIDEnc, &status, &m.Error, &m.Event, &m.MRN,
		&m.Visit, &m.HospitalID, &processed, &m.Attempts)
	m.ReceivedAt, m.Format, m.Status, m.ProcessedAt = parseTS(received), app.IntegrationKind(format), app.InboundStatus(status), parseTS(processed)
	return m, err
}

// ReceivedInbound returns up to limit messages waiting to be applied, oldest first.
func (s *Store) ReceivedInbound(ctx context.Context, limit int) ([]app.InboundMessage, error) {
	rows, err := s.R.QueryContext(ctx, `select `+inboundCols+` from his_messages where status = 'received' order by id limit ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.InboundMessage
	for rows.Next() {
		m, err := scanInbound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FinishInbound records what became of a message.
func (tx *Tx) FinishInbound(ctx context.Context, id int64, status app.InboundStatus, errText string, hospitalID int64, event, mrn, visit string) error {
	_, err := tx.ExecContext(ctx, `update his_messages set status = ?, error = ?, hospital_id = ?, event = case when ? = '' then event else ? end,
		mrn = case when ? = '' then mrn else ? end, visit = case when ? = '' then visit else ? end, processed_at = ?,
		attempts = attempts + 1 where id = ?`, status, errText, nullID(hospitalID), event, event, mrn, mrn, visit, visit, ts(tx.now), id)
	return err
}

// ReprocessInbound puts an error message back in the queue.
func (tx *Tx) ReprocessInbound(ctx context.Context, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `update his_messages set status = 'received', error = '' where id = ? and status = 'error'`, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InboundFilter narrows the message log.
type InboundFilter struct {
	IntegrationID int64
	Status        app.InboundStatus
	MRN           string
}

// ListInbound pages through the message log, newest first. Messages whose hospital is
// known are limited to the scope; unprocessed ones (no hospital yet) only to group-wide users.
func (s *Store) ListInbound(ctx context.Context, q app.ListQuery, f InboundFilter) (app.Page[app.InboundMessage], error) {
	k := keyset{table: "his_messages", cols: inboundCols, after: q.After, before: q.Before, limit: q.Limit, noCount: q.NoCount}
	if !q.Scope.All {
		w, args := scopeIn("hospital_id", q.Scope)
		k.where, k.args = append(k.where, w), append(k.args, args...)
	}
	if f.IntegrationID != 0 {
		k.where, k.args = append(k.where, "integration_id = ?"), append(k.args, f.IntegrationID)
	}
	if f.Status != "" {
		k.where, k.args = append(k.where, "status = ?"), append(k.args, f.Status)
	}
	if f.MRN != "" {
		k.where, k.args = append(k.where, "mrn = ?"), append(k.args, f.MRN)
	}
	return list(ctx, s, k, scanInbound, func(m app.InboundMessage) int64 { return m.ID })
}

// InboundByID returns one logged message in scope.
func (s *Store) InboundByID(ctx context.Context, scope app.Scope, id int64) (app.InboundMessage, error) {
	m, err := scanInbound(s.R.QueryRowContext(ctx, `select `+inboundCols+` from his_messages where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.All && !scope.Allows(m.HospitalID)) {
		return m, app.ErrNotFound
	}
	return m, err
}

const visitCols = `id, hospital_id, patient_id, visit_number, patient_class, coalesce(department_id, 0), location, doctor, admit_at,
	discharge_at, cancelled, last_event, last_event_at, created_at, updated_at`

func scanVisit(r scanner) (app.Visit, error) {
	var v app.Visit
	var admit, discharge, lastAt, created, updated string
	var cancelled int
	err := r.Scan(&v.ID, &v.HospitalID, &v.PatientID, &v.Number, &v.PatientClass, &v.DepartmentID, &v.Location, &v.Doctor, &admit,
		&discharge, &cancelled, &v.LastEvent, &lastAt, &created, &updated)
	v.AdmitAt, v.DischargeAt, v.Cancelled, v.LastEventAt = parseTS(admit), parseTS(discharge), cancelled == 1, parseTS(lastAt)
	v.CreatedAt, v.UpdatedAt = parseTS(created), parseTS(updated)
	return v, err
}

// VisitByNumber returns a hospital's visit by its HIS number.
func (tx *Tx) VisitByNumber(ctx context.Context, hospitalID int64, number string) (app.Visit, error) {
	v, err := scanVisit(tx.QueryRowContext(ctx, `select `+visitCols+` from his_visits where hospital_id = ? and visit_number = ?`,
		hospitalID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return v, app.ErrNotFound
	}
	return v, err
}

// SaveVisit inserts or updates a visit.
func (tx *Tx) SaveVisit(ctx context.Context, v *app.Visit) error {
	v.UpdatedAt = tx.now
	if v.ID == 0 {
		v.CreatedAt = tx.now
		return tx.QueryRowContext(ctx, `insert into his_visits(hospital_id, patient_id, visit_number, patient_class, department_id,
			location, doctor, admit_at, discharge_at, cancelled, last_event, last_event_at, created_at, updated_at)
			values (?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`, v.HospitalID, v.PatientID, v.Number, v.PatientClass, nullID(v.DepartmentID),
			v.Location, v.Doctor, ts(v.AdmitAt), ts(v.DischargeAt), boolInt(v.Cancelled), v.LastEvent, ts(v.LastEventAt),
			ts(tx.now), ts(tx.now)).Scan(&v.ID)
	}
	_, err := tx.ExecContext(ctx, `update his_visits set patient_id = ?, patient_class = ?, department_id = ?, location = ?, doctor = ?,
		admit_at = ?, discharge_at = ?, cancelled = ?, last_event = ?, last_event_at = ?, updated_at = ? where id = ?`,
		v.PatientID, v.PatientClass, nullID(v.DepartmentID), v.Location, v.Doctor, ts(v.AdmitAt), ts(v.DischargeAt),
		boolInt(v.Cancelled), v.LastEvent, ts(v.LastEventAt), ts(tx.now), v.ID)
	return err
}

// AddVisitEvent records one event of a visit.
func (tx *Tx) AddVisitEvent(ctx context.Context, e app.VisitEvent) error {
	_, err := tx.ExecContext(ctx, `insert into his_visit_events(visit_id, message_id, event, occurred_at, created_at) values (?,?,?,?,?)`,
		e.VisitID, e.MessageID, e.Event, ts(e.OccurredAt), ts(tx.now))
	return err
}

// VisitsOfPatient returns a patient's visits, newest first, with their events.
func (s *Store) VisitsOfPatient(ctx context.Context, patientID int64, limit int) ([]app.Visit, map[int64][]app.VisitEvent, error) {
	rows, err := s.R.QueryContext(ctx, `select `+visitCols+` from his_visits where patient_id = ? order by id desc limit ?`, patientID, limit)
	if err != nil {
		return nil, nil, err
	}
	var visits []app.Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		visits = append(visits, v)
	}
	rows.Close()
	events := map[int64][]app.VisitEvent{}
	for _, v := range visits {
		er, err := s.R.QueryContext(ctx, `select id, message_id, event, occurred_at from his_visit_events where visit_id = ?
			order by occurred_at, id`, v.ID)
		if err != nil {
			return nil, nil, err
		}
		for er.Next() {
			e := app.VisitEvent{VisitID: v.ID}
			var at string
			if err := er.Scan(&e.ID, &e.MessageID, &e.Event, &at); err != nil {
				er.Close()
				return nil, nil, err
			}
			e.OccurredAt = parseTS(at)
			events[v.ID] = append(events[v.ID], e)
		}
		er.Close()
	}
	return visits, events, nil
}

// VisitByID returns one visit in scope.
func (s *Store) VisitByID(ctx context.Context, scope app.Scope, id int64) (app.Visit, error) {
	v, err := scanVisit(s.R.QueryRowContext(ctx, `select `+visitCols+` from his_visits where id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !scope.Allows(v.HospitalID)) {
		return v, app.ErrNotFound
	}
	return v, err
}
