"""Text that could reverse a page: an unclosed RIGHT-TO-LEFT OVERRIDE (U+202E) and Arabic script
in what people typed, stored the way text typed before the cleaning rule, imported, or typed
in the admin is stored (certifications/text.py removes the controls from the portal's forms).

`seed` puts them into a city, a county, names, a narrative, an agency's and an organization's
name, a contact's name and a message; `UNISOLATED_JS` lists every text node on a page holding a
U+202E that no `<bdi>` or `dir` element keeps apart from the portal's own words.
"""

from __future__ import annotations

from certifications.models import Message
from tests.factories import CountyFactory, make_submitted_request

RLO = "\u202e"
ARABIC = "فاطمة"

AGENCY = f"{RLO}Agency X Police"
ORGANIZATION = f"{RLO}Rahma Shelter"
CONTACT = f"{ARABIC} {RLO}Contact"
ADVOCATE = f"{ARABIC} {RLO}Advocate"
CITY = f"{RLO}Saint Paul"
COUNTY = f"{RLO}Ramsey"
GIVEN = ARABIC
FAMILY = f"{RLO}Cabdi"
NARRATIVE = f"{ARABIC} {RLO}was assaulted at home."
CASE = f"SP-{RLO}25"
MESSAGE = f"{RLO}Please send the police report."
# Everything seeded that a page may show (the given and family names also together).
VALUES = [
    AGENCY,
    ORGANIZATION,
    CONTACT,
    ADVOCATE,
    CITY,
    COUNTY,
    f"{COUNTY} County",
    f"{GIVEN} {FAMILY}",
    FAMILY,
    GIVEN,
    NARRATIVE,
    CASE,
    MESSAGE,
]


def seed(personas):
    """The personas' agency X, organization A and their people renamed, and a request of
    organization A submitted to agency X carrying the text above, with a message from X."""
    personas.agency_x.name = AGENCY
    personas.agency_x.save(update_fields=["name"])
    personas.org_a.name = ORGANIZATION
    personas.org_a.save(update_fields=["name"])
    contact = personas.contact_x.point_of_contact
    contact.name = CONTACT
    contact.save(update_fields=["name"])
    personas.contact_x.full_name = CONTACT
    personas.contact_x.save(update_fields=["full_name"])
    personas.advocate_a.full_name = ADVOCATE
    personas.advocate_a.save(update_fields=["full_name"])
    cert_request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        assigned_contact=contact,
        requested_agency=personas.agency_x,
        crime_city=CITY,
        crime_county=CountyFactory(name=COUNTY),
        victim_given_name=GIVEN,
        victim_family_name=FAMILY,
        narrative=NARRATIVE,
        case_number=CASE,
    )
    Message.objects.create(request=cert_request, author=personas.contact_x, body=MESSAGE)
    return cert_request


# Per text node with a U+202E: its nearest ancestor that isolates it (a <bdi>, or any element
# with a dir attribute, below <body>), and whether that ancestor holds nothing but typed values.
# Text in <option>, <textarea>, <title> and <script> is laid out on its own (no portal text runs
# on after it in the same paragraph). Inputs whose value holds one must carry dir too.
UNISOLATED_JS = """
(values) => {
  const RLO = "\\u202e";
  const found = [];
  const classes = (el) => (el.getAttribute("class") || "").split(" ").filter(Boolean);
  const describe = (el) => [el.tagName.toLowerCase(), ...classes(el)].join(".");
  const excerpt = (text) => JSON.stringify(text.trim().slice(0, 80));
  // Longest first: a name can be part of a longer value.
  const longestFirst = [...values].sort((a, b) => b.length - a.length);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.data.includes(RLO)) continue;
    const parent = node.parentElement;
    if (parent.closest("option, textarea, title, script, style")) continue;
    let iso = parent;
    while (iso && iso !== document.body && !(iso.tagName === "BDI" || iso.hasAttribute("dir"))) {
      iso = iso.parentElement;
    }
    if (!iso || iso === document.body) {
      found.push("not isolated: " + describe(parent) + ": " + excerpt(parent.textContent));
      continue;
    }
    let rest = iso.textContent;
    for (const value of longestFirst) rest = rest.split(value).join("");
    if (/\\p{L}/u.test(rest)) {
      found.push("isolated with portal text: " + describe(iso) + ": " + excerpt(rest));
    }
  }
  for (const input of document.querySelectorAll("input, textarea")) {
    if (input.value.includes(RLO) && !input.hasAttribute("dir")) {
      found.push("input without dir: " + input.name);
    }
  }
  return found;
}
"""

# The left edges of two words of `root`'s text as laid out, each the first occurrence in
# document order; and the same for a copy of `root` with its <bdi> elements unwrapped (what
# the page was before), put beside it for the measure and removed again.
WORD_X_JS = """
(root, [first, second]) => {
  const xOf = (el, word) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const i = n.data.indexOf(word);
      if (i >= 0) {
        const range = document.createRange();
        range.setStart(n, i);
        range.setEnd(n, i + word.length);
        return range.getBoundingClientRect().left;
      }
    }
    return null;
  };
  const copy = root.cloneNode(true);
  copy.removeAttribute("dir");
  for (const bdi of copy.querySelectorAll("bdi")) bdi.replaceWith(...bdi.childNodes);
  copy.normalize();
  root.after(copy);
  const result = {
    page: [xOf(root, first), xOf(root, second)],
    unisolated: [xOf(copy, first), xOf(copy, second)],
  };
  copy.remove();
  return result;
}
"""
