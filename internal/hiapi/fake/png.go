package fake

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// applePNG draws the test prompt's subject, a red apple on a white table,
// as a size×size PNG, so a browser shows a real image offline.
func applePNG(size int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	white := color.RGBA{0xfa, 0xfa, 0xf7, 0xff}
	table := color.RGBA{0xe8, 0xe4, 0xdc, 0xff}
	red := color.RGBA{0xc8, 0x1d, 0x25, 0xff}
	shine := color.RGBA{0xe8, 0x6a, 0x6f, 0xff}
	stem := color.RGBA{0x5b, 0x3a, 0x1e, 0xff}
	leaf := color.RGBA{0x3f, 0x8f, 0x3a, 0xff}
	s := float64(size)
	cx, cy, r := s/2, s*0.56, s*0.28
	in := func(x, y, ox, oy, rx, ry float64) bool {
		dx, dy := (x-ox)/rx, (y-oy)/ry
		return dx*dx+dy*dy <= 1
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			c := white
			switch {
			case in(fx, fy, cx-r*0.35, cy-r*0.35, r*0.18, r*0.12):
				c = shine
			case in(fx, fy, cx-r*0.3, cy, r*0.75, r) || in(fx, fy, cx+r*0.3, cy, r*0.75, r):
				c = red
			case fx > cx-s*0.015 && fx < cx+s*0.015 && fy > cy-r*1.35 && fy < cy-r*0.8:
				c = stem
			case in(fx, fy, cx+r*0.3, cy-r*1.15, r*0.3, r*0.13):
				c = leaf
			case fy > s*0.8:
				c = table
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
