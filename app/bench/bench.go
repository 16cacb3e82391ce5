// Package bench is `px360 bench`: it starts the real server in-process on a loopback
// port against a data directory, drives it with concurrent clients scenario by scenario,
// and prints one line per scenario — requests per second, latency percentiles, errors,
// and the ratio to a trivial handler in the same process (the machine's ceiling) — so
// hospital IT can check their server carries their load and we can see every change's
// effect on speed.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/appliance"
	"px360/app/demo"
	"px360/app/his"
	"px360/app/hl7"
	"px360/store"
)

// Config is what `px360 bench` was asked for.
type Config struct {
	DataDir    string        // "" = a temporary directory, removed afterwards
	Duration   time.Duration // per scenario
	Clients    int
	Quick      bool // 3 s per scenario on a small data set
	Complaints int  // scale data to create when DATA has fewer
	Responses  int
	Only       []string // scenario names to run (empty: all)
	CPUProfile string   // write a CPU profile of the scenarios here ("": none)
	Out        io.Writer
}

// Result is one scenario's numbers.
type Result struct {
	Name   string
	Ops    int
	Errors int
	RPS    float64
	P50    time.Duration
	P95    time.Duration
	P99    time.Duration
	Ratio  float64
}

// Scenarios lists the scenarios in the order they run.
var Scenarios = []string{"baseline", "healthz", "complaint_list", "complaint_view", "complaint_create", "search",
	"survey_page", "survey_submit", "hl7_mllp", "events_batch"}

// Run runs the benchmark and reports whether every scenario ran without errors.
func Run(ctx context.Context, cfg Config) (bool, error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 16
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 30 * time.Second
	}
	if cfg.Quick {
		cfg.Duration = 3 * time.Second
		cfg.Complaints = max(cfg.Complaints, 2000)
		cfg.Responses = max(cfg.Responses, 2000)
	}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "px360-bench-")
		if err != nil {
			return false, err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	mem := startMemSampler()
	defer mem.stop()
	b, err := prepare(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer b.close()
	fmt.Fprintf(cfg.Out, "bench: data=%s complaints=%d responses=%d clients=%d duration=%s cpus=%d\n",
		cfg.DataDir, b.complaints, b.responses, cfg.Clients, cfg.Duration, runtime.NumCPU())
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return false, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return false, err
		}
		defer pprof.StopCPUProfile()
	}
	ok := true
	var baseline float64
	for _, name := range Scenarios {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, name) && name != "baseline" {
			continue
		}
		r, err := b.run(ctx, name, cfg)
		if err != nil {
			return false, fmt.Errorf("scenario %s: %w", name, err)
		}
		if name == "baseline" {
			baseline = r.RPS
		}
		if baseline > 0 {
			r.Ratio = r.RPS / baseline
		}
		if r.Errors > 0 {
			ok = false
		}
		fmt.Fprintf(cfg.Out, "scenario=%s rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d ratio=%.3f\n", r.Name, r.RPS,
			ms(r.P50), ms(r.P95), ms(r.P99), r.Errors, r.Ratio)
	}
	rss, heap := mem.peak()
	fmt.Fprintf(cfg.Out, "memory: peak_rss_mb=%.0f peak_heap_mb=%.0f\n", float64(rss)/(1<<20), float64(heap)/(1<<20))
	if ok {
		fmt.Fprintln(cfg.Out, "bench: done")
	} else {
		fmt.Fprintln(cfg.Out, "bench: errors")
	}
	return ok, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// bench is a prepared, running server with its test data.
type bench struct {
	a          *appliance.App
	base       string
	stop       context.CancelFunc
	served     chan error
	mllp       *his.Listener
	jsonKey    string
	hospital   app.Hospital
	complaints int
	responses  int
	ids        []int64 // complaint ids to view
	surveyT    app.SurveyTemplate
	tokens     chan string // unanswered survey links
	pageTokens []string
	clients    []*http.Client
	apiToken   string
	hl7Msg     string
}

func prepare(ctx context.Context, cfg Config) (*bench, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__bench/baseline", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	a, err := appliance.Open(ctx, appliance.Config{DataDir: cfg.DataDir, Version: "bench", BackupAt: "off", LoginRate: rate.Inf,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/__bench/baseline" {
					mux.ServeHTTP(w, r)
					return
				}
				h.ServeHTTP(w, r)
			})
		}})
	if err != nil {
		return nil, err
	}
	b := &bench{a: a}
	ok := false
	defer func() {
		if !ok {
			b.close()
		}
	}()
	if err := a.LoadDemo(ctx); err != nil {
		return nil, err
	}
	var n int
	a.Store.R.QueryRowContext(ctx, `select count(*) from complaints`).Scan(&n)
	if n < cfg.Complaints {
		if err := demo.LoadScaleComplaints(ctx, a.Store, a.Orgs, cfg.Complaints-n, time.Now(), nil); err != nil {
			return nil, err
		}
		if err := a.Rebuild(ctx); err != nil {
			return nil, err
		}
	}
	a.Store.R.QueryRowContext(ctx, `select count(*) from complaints`).Scan(&b.complaints)
	a.Store.R.QueryRowContext(ctx, `select count(*) from survey_responses`).Scan(&n)
	if n < cfg.Responses {
		if err := demo.LoadScaleResponses(ctx, a.Store, cfg.Responses-n, time.Now()); err != nil {
			return nil, err
		}
	}
	a.Store.R.QueryRowContext(ctx, `select count(*) from survey_responses`).Scan(&b.responses)
	if b.hospital, err = a.Store.HospitalByCode(ctx, app.System.Scope, "RCH"); err != nil {
		return nil, err
	}
	rows, err := a.Store.R.QueryContext(ctx, `select id from complaints order by random() limit 2000`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		b.ids = append(b.ids, id)
	}
	rows.Close()
	if err := b.prepareSurveys(ctx, cfg); err != nil {
		return nil, err
	}
	if err := b.prepareHIS(ctx); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	b.stop, b.served = stop, make(chan error, 1)
	ready := make(chan struct{})
	go func() { b.served <- a.ServeListener(sctx, ln, func(string) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-b.served:
		b.served <- err
		return nil, fmt.Errorf("the server did not start: %w", err)
	}
	b.base = "http://" + ln.Addr().String()
	if err := b.signIn(cfg.Clients); err != nil {
		return nil, err
	}
	ok = true
	return b, nil
}

// prepareSurveys creates unanswered invitations of the one-page outpatient survey:
// links to open, and links to submit (each submitted once).
func (b *bench) prepareSurveys(ctx context.Context, cfg Config) error {
	ts, err := b.a.Store.SurveyTemplates(ctx, app.System.Scope)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.NameEN == "Outpatient visit" && t.Status == app.TemplateActive {
			b.surveyT = t
		}
	}
	if b.surveyT.ID == 0 {
		return fmt.Errorf("the outpatient survey is missing")
	}
	submits := int(cfg.Duration.Seconds()*4000) + 1000
	b.tokens = make(chan string, submits)
	for done := 0; done < submits+2000; {
		err := b.a.Store.InTx(ctx, app.System, func(tx *store.Tx) error {
			for i := 0; i < 5000 && done < submits+2000; i++ {
				tok := app.NewSurveyToken()
				in := app.SurveyInstance{TemplateID: b.surveyT.ID, HospitalID: b.hospital.ID, Lang: "ar", Source: app.SourceManual,
					ExpiresAt: tx.Now().Add(7 * 24 * time.Hour)}
				if err := tx.InsertSurveyInstance(ctx, &in, tok, nil, time.Time{}); err != nil {
					return err
				}
				if done < 2000 {
					b.pageTokens = append(b.pageTokens, tok)
				} else {
					b.tokens <- tok
				}
				done++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) prepareHIS(ctx context.Context) error {
	name := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	in, _, err := b.a.HIS.SaveIntegration(ctx, app.System, 0, his.IntegrationInput{Name: name + "-hl7", Kind: app.IntegrationHL7,
		HospitalCode: b.hospital.Code, Enabled: true}, false)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.mllp = b.a.HIS.ListenOn(in, ln)
	go b.mllp.Serve(context.Background())
	if _, b.jsonKey, err = b.a.HIS.SaveIntegration(ctx, app.System, 0, his.IntegrationInput{Name: name + "-json", Kind: app.IntegrationJSON,
		HospitalCode: b.hospital.Code, Enabled: true}, false); err != nil {
		return err
	}
	b.hl7Msg = "MSH|^~\\&|HIS|" + b.hospital.Code + "|PX360|" + b.hospital.Code + "|20260101120000||ADT^A04^ADT_A01|CTRL|P|2.5\r" +
		"EVN|A04|20260101120000\rPID|1||MRN^^^H^MR||DOE^JOHN||19800101|M|||||^PRN^CP^^966^501234567\r" +
		"PV1|1|O|CLN^1^^H||||||||||||||||VISIT^^^H^VN|||||||||||||||||||||||||20260101120000\r"
	return nil
}

func (b *bench) signIn(n int) error {
	for i := 0; i < n; i++ {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(b.base+"/login", url.Values{"email": {"admin@px360.demo"}, "password": {demo.Password}})
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusOK {
			return fmt.Errorf("sign in: status %d", res.StatusCode)
		}
		b.clients = append(b.clients, c)
	}
	res, err := http.Post(b.base+"/api/v1/auth/token", "application/json",
		strings.NewReader(`{"email":"admin@px360.demo","password":"`+demo.Password+`"}`))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var tok struct {
		Token string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.Token == "" {
		return fmt.Errorf("API token: %v (status %d)", err, res.StatusCode)
	}
	b.apiToken = tok.Token
	return nil
}

func (b *bench) close() {
	if b.mllp != nil {
		b.mllp.Close()
	}
	if b.stop != nil {
		b.stop()
		<-b.served
	}
	b.a.Close()
}

// op is one request of a scenario by client i; it reports whether it succeeded.
type op func(i int, rng *rand.Rand) bool

func (b *bench) run(ctx context.Context, name string, cfg Config) (Result, error) {
	var do op
	get := func(path string, want int) op {
		return func(i int, _ *rand.Rand) bool { return b.get(i, path, want) }
	}
	switch name {
	case "baseline":
		do = get("/__bench/baseline", 200)
	case "healthz":
		do = get("/healthz", 200)
	case "complaint_list":
		do = get(fmt.Sprintf("/complaints?hospital=%d&status=open", b.hospital.ID), 200)
	case "complaint_view":
		do = func(i int, rng *rand.Rand) bool {
			return b.get(i, fmt.Sprintf("/complaints/%d", b.ids[rng.IntN(len(b.ids))]), 200)
		}
	case "complaint_create":
		do = func(i int, rng *rand.Rand) bool {
			body := fmt.Sprintf(`{"hospital":%q,"source":"patient","severity":"medium","priority":"medium","title":"Bench %d",`+
				`"description":"The clinic kept me waiting for three hours without any update.","contact_name":"Bench",`+
				`"contact_phone":"0501234567","preferred_language":"ar"}`, b.hospital.Code, rng.IntN(1e9))
			return b.api(i, "POST", "/api/v1/complaints", body, 201)
		}
	case "search":
		words := []string{"waiting", "انتظار", "rude", "clean", "pharmacy", "موعد", "billing", "doctor"}
		do = func(i int, rng *rand.Rand) bool {
			return b.get(i, "/complaints/search?q="+url.QueryEscape(words[rng.IntN(len(words))]), 200)
		}
	case "survey_page":
		do = func(i int, rng *rand.Rand) bool {
			return b.get(i, "/s/"+b.pageTokens[rng.IntN(len(b.pageTokens))], 200)
		}
	case "survey_submit":
		do = b.submitSurvey
	case "hl7_mllp":
		return b.runMLLP(ctx, cfg)
	case "events_batch":
		do = b.eventsBatch
	default:
		return Result{}, fmt.Errorf("unknown scenario")
	}
	return measure(ctx, name, cfg, do), nil
}

// measure runs do from cfg.Clients goroutines for cfg.Duration.
func measure(ctx context.Context, name string, cfg Config, do op) Result {
	var errs atomic.Int64
	lat := make([][]time.Duration, cfg.Clients)
	deadline := time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				if !do(i, rng) {
					errs.Add(1)
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		}()
	}
	wg.Wait()
	return summarize(name, lat, int(errs.Load()), time.Since(start))
}

func summarize(name string, lat [][]time.Duration, errs int, took time.Duration) Result {
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := Result{Name: name, Ops: len(all), Errors: errs}
	if len(all) == 0 {
		return r
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	r.RPS, r.P50, r.P95, r.P99 = float64(len(all))/took.Seconds(), pct(0.50), pct(0.95), pct(0.99)
	return r
}

func (b *bench) get(i int, path string, want int) bool {
	res, err := b.clients[i%len(b.clients)].Get(b.base + path)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == want
}

func (b *bench) api(i int, method, path, body string, want int) bool {
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+b.apiToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := b.clients[i%len(b.clients)].Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == want
}

// submitSurvey answers one invitation of the one-page outpatient survey.
func (b *bench) submitSurvey(i int, rng *rand.Rand) bool {
	var tok string
	select {
	case tok = <-b.tokens:
	default:
		return false // ran out of prepared links
	}
	form := url.Values{"page": {"0"}, "action": {"next"}}
	for _, p := range b.surveyT.Def.Sections {
		for _, q := range p.Questions {
			switch q.Type {
			case app.QRating, app.QLikert:
				form.Set(q.ID, strconv.Itoa(3+rng.IntN(3)))
			case app.QNPS:
				form.Set(q.ID, strconv.Itoa(5+rng.IntN(6)))
			case app.QYesNo:
				form.Set(q.ID, "yes")
			}
		}
	}
	res, err := b.clients[i%len(b.clients)].PostForm(b.base+"/s/"+tok, form)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusSeeOther
}

var batchSeq atomic.Int64

// eventsBatch posts 100 JSON events.
func (b *bench) eventsBatch(i int, rng *rand.Rand) bool {
	var sb strings.Builder
	sb.WriteString(`{"events":[`)
	for k := range 100 {
		if k > 0 {
			sb.WriteByte(',')
		}
		n := batchSeq.Add(1)
		fmt.Fprintf(&sb, `{"event_id":"b%d-%d","type":"A04","hospital":%q,"mrn":"B%d","visit":"BV%d","patient_class":"O"}`,
			time.Now().UnixNano(), n, b.hospital.Code, n%5000, n)
	}
	sb.WriteString(`]}`)
	req, _ := http.NewRequest("POST", b.base+"/api/v1/integrations/events", strings.NewReader(sb.String()))
	req.Header.Set("Authorization", "Bearer "+b.jsonKey)
	res, err := b.clients[i%len(b.clients)].Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == 200
}

// runMLLP sends ADT messages over one MLLP connection per client, each waiting for its ACK.
func (b *bench) runMLLP(ctx context.Context, cfg Config) (Result, error) {
	conns := make([]net.Conn, cfg.Clients)
	readers := make([]*bufio.Reader, cfg.Clients)
	for i := range conns {
		c, err := net.Dial("tcp", b.mllp.Addr().String())
		if err != nil {
			return Result{}, err
		}
		defer c.Close()
		conns[i], readers[i] = c, bufio.NewReader(c)
	}
	var seq atomic.Int64
	stamp := time.Now().UnixNano()
	return measure(ctx, "hl7_mllp", cfg, func(i int, _ *rand.Rand) bool {
		n := seq.Add(1)
		msg := strings.Replace(b.hl7Msg, "|CTRL|", fmt.Sprintf("|B%d-%d|", stamp, n), 1)
		msg = strings.Replace(msg, "VISIT^", fmt.Sprintf("V%d^", n), 1)
		ack, err := his.Send(conns[i], readers[i], []byte(msg))
		if err != nil {
			return false
		}
		code, _, err := hl7.AckCode(ack)
		return err == nil && code == hl7.AckAccept
	}), nil
}

// memSampler records the peak heap while the benchmark runs; the peak RSS comes from
// the operating system where it reports it.
type memSampler struct {
	done chan struct{}
	mu   sync.Mutex
	heap uint64
}

func startMemSampler() *memSampler {
	m := &memSampler{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			m.mu.Lock()
			m.heap = max(m.heap, s.HeapAlloc)
			m.mu.Unlock()
			select {
			case <-m.done:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) stop() { close(m.done) }

func (m *memSampler) peak() (rss, heap uint64) {
	m.mu.Lock()
	heap = m.heap
	m.mu.Unlock()
	return peakRSS(), heap
}

// peakRSS reads VmHWM from /proc/self/status (Linux); 0 elsewhere.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if f := strings.Fields(string(line)); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
