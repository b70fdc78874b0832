-- A sealed vote the council declared failed (issue 16): with an n-of-n key, one trustee who lost the key file leaves
-- the per-unit sums undecryptable forever. The council may then declare the vote failed with a reason: nothing is
-- decrypted, only the numbers of ballots count, and the period closes as after a vote below the quorum.
ALTER TABLE voting_rounds ADD COLUMN failed_reason TEXT;
