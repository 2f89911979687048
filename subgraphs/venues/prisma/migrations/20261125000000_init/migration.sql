-- CreateEnum
CREATE TYPE "RegisterStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'DELETED');

-- CreateTable
CREATE TABLE "venue" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "community" TEXT NOT NULL,
    "address" TEXT NOT NULL,

    CONSTRAINT "venue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "register" (
    "id" TEXT NOT NULL,
    "venue_id" TEXT NOT NULL,
    "registrar_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "status" "RegisterStatus" NOT NULL DEFAULT 'ACTIVE',
    "suspended_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "register_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_in" (
    "id" TEXT NOT NULL,
    "register_id" TEXT NOT NULL,
    "person_id" TEXT NOT NULL,
    "checked_in_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "check_in_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "register_code_key" ON "register"("code");

-- CreateIndex
CREATE INDEX "register_venue_id_idx" ON "register"("venue_id");

-- CreateIndex
CREATE INDEX "register_registrar_id_idx" ON "register"("registrar_id");

-- CreateIndex
CREATE INDEX "check_in_person_id_checked_in_at_idx" ON "check_in"("person_id", "checked_in_at");

-- CreateIndex
CREATE INDEX "check_in_register_id_checked_in_at_idx" ON "check_in"("register_id", "checked_in_at");

-- AddForeignKey
ALTER TABLE "register" ADD CONSTRAINT "register_venue_id_fkey" FOREIGN KEY ("venue_id") REFERENCES "venue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_in" ADD CONSTRAINT "check_in_register_id_fkey" FOREIGN KEY ("register_id") REFERENCES "register"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
