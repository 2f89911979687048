-- Who bound and who revoked a staff member (pseudonymous person ids of the agency's lab staff).
ALTER TABLE "staff_binding" ADD COLUMN "bound_by" TEXT;
ALTER TABLE "staff_binding" ADD COLUMN "revoked_by" TEXT;
