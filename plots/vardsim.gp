# vardsim chart style.  The source is plots/vardsim.gp; vardsim writes an
# identical copy as style.gp beside the chart scripts of every run, and
# each script loads it, so an output folder renders on its own.
#
# A chart script sets, before loading this file:
#   vs_format     'png' (pngcairo, 200 dpi), 'svg' or 'pdf' (pdfcairo)
#   vs_output     the file to write
#   vs_width_cm   and vs_height_cm: the size on paper (A4 text is 16 cm wide)
#
# Fonts: DejaVu Sans (fonts-dejavu-core, installed with gnuplot-nox).
# Enhanced text is off everywhere: names from scenarios print verbatim.

set encoding utf8
vs_font = 'DejaVu Sans,8'
vs_dpi = 200.0
# Text at its true size on paper: pdfcairo halves fonts unless told
# fontscale 1; pngcairo draws a point as one pixel, so scale by vs_dpi / 72.

if (vs_format eq 'svg') {
    set terminal svg size int(vs_width_cm / 2.54 * 72 + 0.5), int(vs_height_cm / 2.54 * 72 + 0.5) font vs_font noenhanced background '#ffffff'
} else {
    if (vs_format eq 'pdf') {
        set terminal pdfcairo size vs_width_cm cm, vs_height_cm cm font vs_font fontscale 1 noenhanced
    } else {
        if (vs_format eq 'png') {
            set terminal pngcairo size int(vs_width_cm / 2.54 * vs_dpi + 0.5), int(vs_height_cm / 2.54 * vs_dpi + 0.5) font vs_font fontscale vs_dpi / 72 linewidth vs_dpi / 72 noenhanced background '#ffffff'
        } else {
            exit error 'unknown vs_format: use png, svg or pdf'
        }
    }
}
set output vs_output
set termoption noenhanced

# Okabe-Ito palette (colour-blind safe).  Linetype 1 is the baseline
# (black); 2-8 are the other variants in file order.  Yellow comes last:
# it is the weakest on white paper.
set linetype 1 lc rgb '#000000' lw 1.5 pt 7 ps 0.8
set linetype 2 lc rgb '#E69F00' lw 1.5 pt 7 ps 0.8
set linetype 3 lc rgb '#56B4E9' lw 1.5 pt 7 ps 0.8
set linetype 4 lc rgb '#009E73' lw 1.5 pt 7 ps 0.8
set linetype 5 lc rgb '#0072B2' lw 1.5 pt 7 ps 0.8
set linetype 6 lc rgb '#D55E00' lw 1.5 pt 7 ps 0.8
set linetype 7 lc rgb '#CC79A7' lw 1.5 pt 7 ps 0.8
set linetype 8 lc rgb '#F0E442' lw 1.5 pt 7 ps 0.8

# Reference lines (diagonal, need, zero) and quiet furniture.
vs_grey = '#767676'
vs_light = '#DDDDDD'
vs_ink = '#333333'
set border 3 lc rgb vs_ink lw 0.8
set tics nomirror out scale 0.6 textcolor rgb vs_ink
set grid back lc rgb vs_light lw 0.6 dt 1
set key noenhanced nobox textcolor rgb vs_ink samplen 2 spacing 1.1
set title noenhanced textcolor rgb vs_ink
set style fill solid 0.9 noborder
set datafile separator ','
