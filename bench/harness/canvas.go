package harness

import (
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/vg/vgimg" // png
	_ "gonum.org/v1/plot/vg/vgsvg" // svg
)

// drawCanvas returns a canvas of the given size and image format and its writer.
func drawCanvas(w, h vg.Length, format string) (*canvasWriter, error) {
	c, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return nil, err
	}
	return &canvasWriter{dc: draw.New(c), wt: c}, nil
}

type canvasWriter struct {
	dc draw.Canvas
	wt io.WriterTo
}
