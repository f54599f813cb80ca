// This file holds the database schema of the local store: the tables CppNix
// creates (libstore/schema.sql, ca-specific-schema.sql), which nixgo must
// reproduce so that both can open the same db.sqlite.

package local

// schemaVersion is the version written to db/schema (CppNix's
// nixSchemaVersion).
const schemaVersion = 10

// schemaSQL creates a new database. Paths are stored in full ("/nix/store/…"),
// hashes as "sha256:<base16>", times as seconds since the epoch. A path may
// refer to itself, which gives a row (N, N) in Refs; the trigger removes it
// before the path is deleted, which "on delete restrict" would refuse.
const schemaSQL = `
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer,
    sigs             text,
    ca               text
);

create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);

create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);

create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;

create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null,
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);

create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
`

// caMigration is the schema migration CppNix applies when the experimental
// feature ca-derivations is enabled: the realisations of content-addressed
// derivation outputs and the references between them.
const caMigration = `
create table if not exists Realisations (
    id integer primary key autoincrement not null,
    drvPath text not null,
    outputName text not null,
    outputPath integer not null,
    signatures text,
    foreign key (outputPath) references ValidPaths(id) on delete cascade
);

create index if not exists IndexRealisations on Realisations(drvPath, outputName);

create trigger if not exists DeleteSelfRefsViaRealisations before delete on ValidPaths
  begin
    delete from RealisationsRefs where realisationReference in (
      select id from Realisations where outputPath = old.id
    );
  end;

create table if not exists RealisationsRefs (
    referrer integer not null,
    realisationReference integer,
    foreign key (referrer) references Realisations(id) on delete cascade,
    foreign key (realisationReference) references Realisations(id) on delete restrict
);

create index if not exists IndexRealisationsRefsRealisationReference on RealisationsRefs(realisationReference);
create index if not exists IndexRealisationsRefs on RealisationsRefs(referrer);
create index if not exists IndexRealisationsRefsOnOutputPath on Realisations(outputPath);
`

// caMigrationName names caMigration in the SchemaMigrations table.
const caMigrationName = "20220326-ca-derivations"
