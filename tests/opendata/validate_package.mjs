// Validates a Frictionless Tabular Data Package, the open-data export of the
// APPROVED plans, with the official Frictionless JavaScript library
// (npm datapackage, pinned in package-lock.json; it bundles the Data Package
// profiles and tableschema), plus checks in plain JS where the library is
// lenient.
//
//   node validate_package.mjs DIR    (DIR holds datapackage.json and data/)
//
// On success prints one JSON line, {"valid": true, "resources": {name: rows}},
// and exits 0; otherwise prints the problems to stderr and exits 1.
//
// Row numbers are CSV record numbers as the library counts them: the header
// is row 1, the first data row is row 2.
import fs from 'node:fs';
import path from 'node:path';
import datapackage from 'datapackage'; // CommonJS: no named exports

const { Package } = datapackage;
const MAX_PER_RESOURCE = 20; // problems printed per resource, the rest counted

const problems = [];
const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim();

// Collects the problems of one resource, keeping the first MAX_PER_RESOURCE.
function reporter(name) {
  let count = 0;
  const report = (message) => {
    count += 1;
    if (count <= MAX_PER_RESOURCE) problems.push(`${name}: ${oneLine(message)}`);
  };
  report.finish = () => {
    if (count > MAX_PER_RESOURCE) {
      problems.push(`${name}: ... and ${count - MAX_PER_RESOURCE} more problems`);
    }
  };
  return report;
}

// A library error: a cast error holds one sub-error per failing cell.
function reportLibraryError(report, error) {
  const row = error.rowNumber ? `row ${error.rowNumber}: ` : '';
  const inner = error.errors && error.errors.length ? error.errors : [error];
  for (const e of inner) {
    const column = e.columnNumber ? `column ${e.columnNumber}: ` : '';
    report(`${row}${column}${e.message}`);
  }
}

// Key of a row over some fields, for exact comparison.
const keyOf = (row, fields) => JSON.stringify(fields.map((f) => row[f] ?? null));

async function main(dir) {
  const basePath = path.resolve(dir);
  let pkg;
  try {
    pkg = await Package.load(path.join(basePath, 'datapackage.json'), { basePath });
  } catch (error) {
    problems.push(`datapackage.json: cannot load: ${oneLine(error.message)}`);
    return null;
  }
  const descriptor = pkg.descriptor;

  // (1) The descriptor against its profile, which must be the tabular one
  // (without "profile" the library checks the looser data-package profile).
  if (descriptor.profile !== 'tabular-data-package') {
    problems.push(`datapackage.json: profile is ${JSON.stringify(descriptor.profile)}, ` +
      'not "tabular-data-package"');
  }
  for (const error of pkg.errors) problems.push(`datapackage.json: ${oneLine(error.message)}`);

  // (5) Licence, creation time and sources.
  const licenses = Array.isArray(descriptor.licenses) ? descriptor.licenses : [];
  if (!licenses.some((l) => l && l.name === 'CC-BY-4.0')) {
    problems.push('datapackage.json: licenses has no entry with name "CC-BY-4.0"');
  }
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  if (!rfc3339.test(descriptor.created || '') || Number.isNaN(Date.parse(descriptor.created))) {
    problems.push(`datapackage.json: created ${JSON.stringify(descriptor.created)} ` +
      'is not an RFC 3339 date-time');
  }
  if (!Array.isArray(descriptor.sources) || descriptor.sources.length === 0) {
    problems.push('datapackage.json: sources is missing or empty');
  }

  // (2) + (3) Each resource read through the library: every row cast
  // against its Table Schema (types, required values, the primary key's
  // uniqueness); forceCast makes errors come back as rows instead of
  // stopping the read at the first one.
  const counts = {};
  const tables = new Map(); // name -> {schema, report, rows: [{rowNumber, row}]}
  // Local files only (the library would fetch a URL; for a missing file its
  // read stream fails outside any promise and ends the process).
  const readable = new Set(pkg.resources
    .filter((r) => r.local && fs.existsSync(r.source)).map((r) => r.name));
  for (const resource of pkg.resources) {
    const name = resource.name;
    const report = reporter(name);
    const schema = resource.schema;
    if (name in counts) report('duplicate resource name');
    if (!resource.tabular || !schema) {
      report('not a tabular resource with a schema');
      report.finish();
      continue;
    }
    // Without a declared delimiter the library guesses one from the data
    // (csv-sniffer) and can guess wrong, e.g. " " for a text holding
    // ""quoted"" words: the comma must be declared.
    if (!resource.descriptor.dialect || resource.descriptor.dialect.delimiter !== ',') {
      report('dialect.delimiter is not declared as ","; the library then guesses the delimiter');
    }
    if (!readable.has(name)) {
      report(`data file ${JSON.stringify(resource.descriptor.path)} is not in the package`);
      report.finish();
      continue;
    }
    let rows = [];
    try {
      rows = await resource.read({ cast: true, forceCast: true, extended: true });
    } catch (error) {
      reportLibraryError(report, error); // e.g. a CSV syntax error
    }
    let headerError = false; // a header error comes back for every row
    for (const row of rows.filter((r) => r instanceof Error)) {
      if (/header/.test(row.message)) {
        if (headerError) continue;
        headerError = true;
      }
      reportLibraryError(report, row);
    }

    // The library's foreign-key check (relations: true), of which only the
    // foreign-key errors count here: the cast errors came above.
    if (schema.foreignKeys.every((fk) => readable.has(fk.reference.resource || name))) {
      try {
        const resolved = await resource.read({ cast: true, relations: true, forceCast: true });
        for (const row of resolved) {
          if (row instanceof Error && /^Foreign key/.test(row.message)) reportLibraryError(report, row);
        }
      } catch (error) {
        // It reads the referenced table first and stops at its first error.
        report(`the library could not resolve the foreign keys, a referenced table has errors: ${error.message}`);
      }
    }

    // (3) The header, exactly the schema's field names in order (the
    // library checks only that none is missing, then casts by position).
    const headers = resource.headers || [];
    if (JSON.stringify(headers) !== JSON.stringify(schema.fieldNames)) {
      report(`header ${JSON.stringify(headers)} is not the schema's fields ` +
        JSON.stringify(schema.fieldNames));
    }

    // The rows once more, uncast, for the plain-JS key checks: every record,
    // its cells named by the file's header, the missing values as null. Keys
    // compare as the CSV text, which the strict integer type makes canonical.
    let raw = [];
    try {
      raw = await resource.read({ cast: false, extended: true });
    } catch (error) {
      // Reported above.
    }
    const missing = schema.descriptor.missingValues || [''];
    counts[name] = raw.length;
    tables.set(name, {
      schema,
      report,
      rows: raw.map(([rowNumber, header, values]) => ({
        rowNumber,
        row: Object.fromEntries(header.map((h, i) => [h,
          values[i] === undefined || missing.includes(values[i]) ? null : values[i]])),
      })),
    });
  }

  // (4) Primary keys unique and complete, foreign keys resolving, in plain JS.
  for (const [name, { schema, rows, report }] of tables) {
    const pk = schema.primaryKey;
    if (pk.length) {
      const first = new Map();
      for (const { rowNumber, row } of rows) {
        const key = keyOf(row, pk);
        if (pk.some((f) => (row[f] ?? null) === null)) {
          report(`row ${rowNumber}: primary key (${pk.join(', ')}) = ${key} has a missing value`);
        } else if (first.has(key)) {
          report(`row ${rowNumber}: primary key (${pk.join(', ')}) = ${key} ` +
            `duplicates row ${first.get(key)}`);
        } else {
          first.set(key, rowNumber);
        }
      }
    }
    for (const fk of schema.foreignKeys) {
      const target = fk.reference.resource || name; // "" is the table itself
      const referenced = tables.get(target);
      if (!referenced) {
        report(`foreign key (${fk.fields.join(', ')}) references resource "${target}", ` +
          'which is missing or unreadable');
        continue;
      }
      const keys = new Set(referenced.rows.map(({ row }) => keyOf(row, fk.reference.fields)));
      for (const { rowNumber, row } of rows) {
        if (fk.fields.every((f) => (row[f] ?? null) === null)) continue; // no reference
        const key = keyOf(row, fk.fields);
        if (!keys.has(key)) {
          report(`row ${rowNumber}: foreign key (${fk.fields.join(', ')}) = ${key} ` +
            `not found in ${target} (${fk.reference.fields.join(', ')})`);
        }
      }
    }
    report.finish();
  }
  return counts;
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node validate_package.mjs DIR');
  process.exit(2);
}
const counts = await main(dir);
if (problems.length || !counts) {
  console.error(`${dir}: not a valid data package:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(JSON.stringify({ valid: true, resources: counts }));
