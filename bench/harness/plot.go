package harness

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotFormat returns the image format of a plot file name (its extension: svg or
// png), or an error for any other.
func PlotFormat(file string) (string, error) {
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(file), ".")); ext {
	case "svg", "png":
		return ext, nil
	default:
		return "", fmt.Errorf("plot file %q: want a .svg or .png name", file)
	}
}

// ScalingFile is the name of the scaling plot written beside file: name-scaling.ext.
func ScalingFile(file string) string {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "-scaling" + ext
}

// WritePlots draws the ratio chart into file and, when some case was measured at
// several scales, the scaling plot into ScalingFile(file). It returns the files
// written.
func WritePlots(rep *Report, file string) ([]string, error) {
	format, err := PlotFormat(file)
	if err != nil {
		return nil, err
	}
	p, w, h, err := ratioPlot(rep)
	if err != nil {
		return nil, err
	}
	if err := save(file, format, w, h, func(dc draw.Canvas) { p.Draw(dc) }); err != nil {
		return nil, err
	}
	files := []string{file}
	tiles := scalingPlots(rep)
	if len(tiles) == 0 {
		return files, nil
	}
	cols := min(len(tiles), 4)
	rows := (len(tiles) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(tiles) {
				grid[i][j] = tiles[k]
			}
		}
	}
	sw, sh := vg.Length(cols)*7*vg.Centimeter, vg.Length(rows)*6*vg.Centimeter
	sfile := ScalingFile(file)
	err = save(sfile, format, sw, sh, func(dc draw.Canvas) {
		t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
		cs := plot.Align(grid, t, dc)
		for i := range grid {
			for j, tp := range grid[i] {
				if tp != nil {
					tp.Draw(cs[i][j])
				}
			}
		}
	})
	if err != nil {
		return files, err
	}
	return append(files, sfile), nil
}

func save(file, format string, w, h vg.Length, draw func(draw.Canvas)) error {
	c, err := drawCanvas(w, h, format)
	if err != nil {
		return err
	}
	draw(c.dc)
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := c.wt.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ratioPlot is a grouped bar chart: one group of bars per case, one bar per ratio, on
// a logarithmic axis (bars grow up from 1× for a ratio above one, down below it).
func ratioPlot(rep *Report) (*plot.Plot, vg.Length, vg.Length, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("hybridvm bench %s: ratios of median times (log scale)", rep.Suite)
	p.Y.Label.Text = "ratio"
	var names []string
	for _, c := range rep.Cases {
		names = append(names, c.Name)
	}
	n := max(len(rep.Ratios), 1)
	barW := vg.Points(max(4, min(16, 300/float64(n*max(len(names), 1)))))
	lo, hi := 0.0, 0.0
	for i, r := range rep.Ratios {
		vals := make(plotter.Values, len(rep.Cases))
		for j, c := range rep.Cases {
			if v, ok := rep.Ratio(c, r); ok {
				vals[j] = math.Log10(v)
				lo, hi = math.Min(lo, vals[j]), math.Max(hi, vals[j])
			}
		}
		b, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, 0, 0, err
		}
		b.Color = plotutil.Color(i)
		b.LineStyle.Width = 0
		b.Offset = barW * vg.Length(2*i-n+1) / 2
		p.Add(b)
		p.Legend.Add(r.Name(), b)
	}
	// With few ratios, each one's geometric mean (without micro-cases) as a dashed line.
	if len(rep.Ratios) <= 3 {
		for i, g := range rep.GeoMeans() {
			v, label := g.Real, " geometric mean without micro-cases"
			if g.NMicro == 0 {
				v, label = g.All, " geometric mean"
			}
			if v <= 0 || len(names) == 0 {
				continue
			}
			l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: math.Log10(v)}, {X: float64(len(names)) - 0.5, Y: math.Log10(v)}})
			if err != nil {
				return nil, 0, 0, err
			}
			l.Color, l.Dashes = plotutil.Color(i), []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("%s%s %.2f×", g.Ratio.Name(), label, v), l)
		}
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 3
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.Y.Min, p.Y.Max = math.Floor(lo*2)/2-0.05, math.Ceil(hi*2)/2+0.1*float64(n+1) // room for the legend
	p.Y.Tick.Marker = ratioTicks{}
	w := max(16*vg.Centimeter, vg.Length(len(names)*n)*barW*1.6)
	return p, w, 12 * vg.Centimeter, nil
}

// ratioTicks marks a log10 axis with the ratios 1, 2, 5, 10, ... (and 0.5, 0.2, ...).
type ratioTicks struct{}

func (ratioTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(lo) - 1; e <= math.Ceil(hi); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := math.Log10(m) + e
			if v < lo || v > hi {
				continue
			}
			ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%g×", m*math.Pow10(int(e)))})
		}
	}
	return ts
}

// scalingPlots returns one plot per case group measured at two scales or more: the
// median time per run against the scale, log-log, one line per contender.
func scalingPlots(rep *Report) []*plot.Plot {
	groups := map[string][]*CaseReport{}
	var order []string
	for _, c := range rep.Cases {
		if c.Scale == 0 {
			continue
		}
		if _, seen := groups[c.Group]; !seen {
			order = append(order, c.Group)
		}
		groups[c.Group] = append(groups[c.Group], c)
	}
	var ps []*plot.Plot
	for _, g := range order {
		cs := groups[g]
		if len(cs) < 2 {
			continue
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].Scale < cs[j].Scale })
		p := plot.New()
		p.Title.Text = g
		p.X.Label.Text = "SCALE"
		p.Y.Label.Text = "seconds per run"
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
		lines := 0
		for i, name := range rep.Contenders {
			var xys plotter.XYs
			for _, c := range cs {
				if r := c.Result(name); r.ok() {
					xys = append(xys, plotter.XY{X: float64(c.Scale), Y: r.Median() / 1e9})
				}
			}
			if len(xys) < 2 {
				continue
			}
			l, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				continue
			}
			l.Color, pts.Color, pts.Shape = plotutil.Color(i), plotutil.Color(i), plotutil.Shape(i)
			p.Add(l, pts)
			p.Legend.Add(name, l, pts)
			lines++
		}
		if lines > 0 {
			p.Legend.Top, p.Legend.Left = true, true
			ps = append(ps, p)
		}
	}
	return ps
}
