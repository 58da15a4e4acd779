"""The SOP as its official document (Permenpan-RB 35/2012): identity page and flow table.

`render_html` gives the document as HTML: for the staff pages a fragment styled by
`static/sop/document.css`, for print a standalone page with `static/sop/print.css` embedded;
`render_pdf` prints that page with WeasyPrint and fetches nothing.

The flowchart is laid out here, not in the templates. Every row's height is measured from its
text (Arial/Liberation Sans widths, rounded up), and the row's actor cells are one inline SVG of
exactly that height, so the picture sets the row's height and the lines of consecutive rows
meet. Each connector is routed once, in the coordinates of the whole flow (x across the actor
columns, y down the rows), and then cut into the rows it crosses: a straight line or an elbow
from a step to the next, and for a decision's other branch a labelled line that leaves the
diamond sideways, runs up (or down) a lane beside the symbols and enters the target step from
the side or from above. In the PDF the flow is cut into pages by the same measurements; a line
that crosses a page break ends and starts again in a lettered off-page connector.

The package, by what each part draws or does: `measure` (text widths, the sizes), `svg` (the
elements and shapes), `routing` (the connectors in the whole flow's coordinates), `flow` (the
flow table, its pages and each row's picture) and `document` (the identity page, HTML and PDF).
"""

from alur.sop.render.document import document_filename, render_html, render_pdf
from alur.sop.render.flow import duration_text, minutes_text

__all__ = ["document_filename", "duration_text", "minutes_text", "render_html", "render_pdf"]
