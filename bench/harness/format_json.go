package harness

import (
	"encoding/json"
	"io"
)

// JSONSchema names the layout WriteJSON writes; it changes when a field changes
// meaning.
const JSONSchema = "hybridvm-bench/1"

// JSONReport is the JSON form of a report. Times are nanoseconds per operation.
type JSONReport struct {
	Schema     string        `json:"schema"`
	Header     Header        `json:"header"`
	Contenders []string      `json:"contenders"`
	RateUnit   string        `json:"rate_unit,omitempty"`
	Cases      []JSONCase    `json:"cases"`
	GeoMeans   []JSONGeoMean `json:"geomeans"`
}

// JSONCase is one case.
type JSONCase struct {
	Name    string             `json:"name"`
	Group   string             `json:"group"`
	Micro   bool               `json:"micro"`
	Variant bool               `json:"variant,omitempty"` // another case at another scale
	Scale   int                `json:"scale,omitempty"`
	Work    float64            `json:"work,omitempty"` // per operation (gas, instructions)
	Results []JSONResult       `json:"results"`
	Ratios  map[string]float64 `json:"ratios"` // "a / b": a's median time over b's
}

// JSONResult is one contender on one case.
type JSONResult struct {
	Contender string    `json:"contender"`
	Status    string    `json:"status"` // "ok", "not installed", "n/a", "failed"
	Error     string    `json:"error,omitempty"`
	SamplesNs []float64 `json:"samples_ns,omitempty"`
	Ops       []int     `json:"ops,omitempty"` // operations timed by each sample
	MinNs     float64   `json:"min_ns,omitempty"`
	MedianNs  float64   `json:"median_ns,omitempty"`
	Spread    *float64  `json:"spread,omitempty"`         // (max − min) / median
	Rate      float64   `json:"rate,omitempty"`           // in rate_unit at the median
	PeakRSS   int64     `json:"peak_rss_bytes,omitempty"` // the largest of the samples' processes'
	Rerun     *float64  `json:"rerun,omitempty"`          // share of transactions parallel execution ran again
	ExecNs    float64   `json:"exec_median_ns,omitempty"` // median time of the execution phase alone
	Cores     float64   `json:"cores_busy,omitempty"`     // mean CPU time per wall time of the samples' processes
}

// JSONGeoMean is one ratio's geometric means.
type JSONGeoMean struct {
	Ratio        string  `json:"ratio"`
	All          float64 `json:"all"`
	N            int     `json:"n"`
	WithoutMicro float64 `json:"without_micro"`
	NWithout     int     `json:"n_without_micro"`
}

// WriteJSON writes the report as one JSON document (JSONReport).
func WriteJSON(w io.Writer, rep *Report) error {
	out := JSONReport{Schema: JSONSchema, Header: rep.Header, Contenders: rep.Contenders, RateUnit: rep.RateUnit,
		Cases: []JSONCase{}, GeoMeans: []JSONGeoMean{}}
	for _, c := range rep.Cases {
		work := c.Work()
		jc := JSONCase{Name: c.Name, Group: c.Group, Micro: c.Micro, Variant: c.Variant, Scale: c.Scale, Work: work, Ratios: map[string]float64{}}
		for _, r := range c.Results {
			jr := JSONResult{Contender: r.Contender, Status: r.Status, Error: r.Error}
			if r.ok() {
				for _, s := range r.Samples {
					jr.SamplesNs = append(jr.SamplesNs, s.Ns)
					jr.Ops = append(jr.Ops, s.Ops)
				}
				sp := r.Spread()
				jr.MinNs, jr.MedianNs, jr.Spread, jr.Rate, jr.PeakRSS = r.Min(), r.Median(), &sp, r.Rate(work), r.PeakRSS()
				if v := r.Rerun(); v >= 0 {
					jr.Rerun = &v
				}
				jr.ExecNs = r.ExecMedian()
				jr.Cores = r.Cores()
			}
			jc.Results = append(jc.Results, jr)
		}
		for _, ra := range rep.Ratios {
			if v, ok := rep.Ratio(c, ra); ok {
				jc.Ratios[ra.Name()] = v
			}
		}
		out.Cases = append(out.Cases, jc)
	}
	for _, g := range rep.GeoMeans() {
		out.GeoMeans = append(out.GeoMeans, JSONGeoMean{Ratio: g.Ratio.Name(), All: g.All, N: g.NAll, WithoutMicro: g.Real, NWithout: g.NReal})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
