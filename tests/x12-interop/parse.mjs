// Reads one X12 interchange from stdin with node-x12, an X12 parser that is not
// channelgraph's, and prints what it read as JSON: the ISA elements, and per group its GS
// elements and per set its segments. It also checks the counts and control numbers that
// tie an interchange together (SE01/SE02, GE01/GE02, IEA01/IEA02), so a mistake in what
// channelgraph writes shows here, not only in channelgraph's own reader.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { X12Parser } = require('node-x12')

const raw = readFileSync(0, 'utf8')
const parser = new X12Parser(true)
const interchange = parser.parse(raw)
const problems = []
const elements = (segment) => segment.elements.map((e) => e.value)

const groups = interchange.functionalGroups.map((group) => {
  const sets = group.transactions.map((set) => {
    const st = elements(set.header)
    const se = elements(set.trailer)
    const count = set.segments.length + 2
    if (Number(se[0]) !== count) problems.push(`SE01 ${se[0]} but ${count} segments in ${st[1]}`)
    if (se[1] !== st[1]) problems.push(`SE02 ${se[1]} is not ST02 ${st[1]}`)
    return {
      st,
      segments: set.segments.map((s) => [s.tag, ...elements(s)])
    }
  })
  const gs = elements(group.header)
  const ge = elements(group.trailer)
  if (Number(ge[0]) !== sets.length) problems.push(`GE01 ${ge[0]} but ${sets.length} sets`)
  if (ge[1] !== gs[5]) problems.push(`GE02 ${ge[1]} is not GS06 ${gs[5]}`)
  return { gs, sets }
})
const isa = elements(interchange.header)
const iea = elements(interchange.trailer)
if (Number(iea[0]) !== groups.length) problems.push(`IEA01 ${iea[0]} but ${groups.length} groups`)
if (iea[1] !== isa[12]) problems.push(`IEA02 ${iea[1]} is not ISA13 ${isa[12]}`)
process.stdout.write(JSON.stringify({
  isa,
  delimiters: {
    element: interchange.options.elementDelimiter,
    segment: interchange.options.segmentTerminator,
    component: interchange.options.subElementDelimiter
  },
  groups,
  problems
}))
