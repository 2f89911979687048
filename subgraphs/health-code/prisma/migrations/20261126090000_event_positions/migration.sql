-- AlterTable
ALTER TABLE "outbox_event" ADD COLUMN "position" BIGINT;

-- CreateTable
CREATE TABLE "consumer_position" (
    "consumer" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "applied_through" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_position_pkey" PRIMARY KEY ("consumer","source")
);

-- CreateTable
CREATE TABLE "event_receipt" (
    "consumer" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "event_receipt_pkey" PRIMARY KEY ("consumer","source","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_position_key" ON "outbox_event"("position");
