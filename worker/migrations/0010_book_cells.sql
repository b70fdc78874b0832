-- A sheet's text as a ranking workbook keeps it, prepared when the sheet is pushed (issue 17,
-- worker/src/workbook/stored.ts): the SHA-256 of its entries text and that text cut into the inputs sheet's cells,
-- deflated, as JSON. Building a ranking workbook then reads these instead of the entries texts (at 100 units x 120
-- criteria, parsing, hashing and deflating those texts was half of its CPU). NULL for rows pushed before, and where
-- the Worker had no native zlib: the workbook takes their entries text as before.
ALTER TABLE submissions ADD COLUMN book_cells TEXT;
